foo = [1, 2, "foo"]
