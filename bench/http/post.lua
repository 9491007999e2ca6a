-- wrk script for the POST scenario: the same JSON body on every request.
wrk.method = "POST"
wrk.body = '{"name":"Ada Lovelace","age":36}'
wrk.headers["Content-Type"] = "application/json"
