package server

func (s *Server) publishRoutes() {}
