foo {
	value = 7
	"value" = 8
	"complex::value" = 9
}
