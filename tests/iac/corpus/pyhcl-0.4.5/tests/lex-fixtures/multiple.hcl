foo = "bar"
key = 7
