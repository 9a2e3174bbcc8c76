resource = [{
	"foo": {
		"bar": {},
		"baz": [1, 2, "foo"],
	}
}]
