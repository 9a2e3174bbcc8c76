foo = [
    "1",
    "2", # comment
]
