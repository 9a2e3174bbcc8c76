foo {
    key = "key",
    value = 7,
}

bar {key = "key", value = 7}
