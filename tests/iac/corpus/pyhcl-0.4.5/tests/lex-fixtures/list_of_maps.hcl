foo = [
  {somekey1 = "someval1"},
  {somekey2 = "someval2", someextrakey = "someextraval"},
]
