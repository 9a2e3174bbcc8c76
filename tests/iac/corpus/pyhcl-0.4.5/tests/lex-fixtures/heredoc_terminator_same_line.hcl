foo = <<EOF

The terminator is on this lineEOF
