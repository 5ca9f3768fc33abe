package msg

// vi maps each English format to its Vietnamese format (see the package doc).
var vi = map[string]string{
}
