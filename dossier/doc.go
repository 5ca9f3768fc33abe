// Package dossier computes what the accountability pages publish about
// administrative procedures: the dossiers of each agency's one-stop desk
// (Import reads an export of the one-stop software, Set combines them, Lookup
// finds one by its code), the indicators of their timeliness on the
// Vietnamese working-day calendar (Report), citizens' satisfaction, and the
// disclosure obligations each agency has and how it met them.
//
// Nothing personal is ever read: an export's columns are matched by their
// headings to the fields the package knows (Field), and a column whose
// heading names personal data (a name, an identity or phone number, an
// address, an e-mail address, a date of birth) is refused and reported; free
// text (the explanation of a delay) has its phone and identity numbers and
// e-mail addresses replaced.
//
// Problems carry their message as a msg.Text, read in Vietnamese or English
// (Problem.In).
//
// The package depends on the standard library, calendar, msg and tables only.
package dossier
