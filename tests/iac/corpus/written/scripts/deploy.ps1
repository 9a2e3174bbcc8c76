# Written for the regionready corpus.
$Endpoint = "https://sqs.us-east-1.amazonaws.com/111122223333/orders"
Set-DefaultAWSRegion -Region us-east-1
