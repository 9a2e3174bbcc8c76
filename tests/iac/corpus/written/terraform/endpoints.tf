# Written for the regionready corpus.
variable "api_endpoint" {
  type    = string
  default = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
}

provider "aws" {
  alias = "pinned"
  endpoints {
    sts = "https://sts.amazonaws.com"
  }
}
