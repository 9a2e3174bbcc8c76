// Foo

/* Bar */

/*
/*
Baz
*/

# Another

# Multiple
# Lines

foo = "bar"
