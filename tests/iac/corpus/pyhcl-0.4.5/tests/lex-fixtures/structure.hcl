// This is a test structure for the lexer
foo bar "baz" {
	key = 7
	foo = "bar"
}
