default = {
    "eu-west-1": "ami-b1cf19c6",
}
