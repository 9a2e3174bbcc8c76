# This tests windows style line endings.
# Please don't change those.

data_json = <<EOT
{
  "foo":   "bar",
  "pizza": "cheese"
}
EOT
