empty = <<DOC
DOC
