# Mint a Frame Secure Anonymous Token. PowerShell 5.1 or 7+.
$ErrorActionPreference = 'Stop'

# The API client id (Frame: Users → Authentication → API).
$clientId = '00000000-0000-4000-8000-000000000000.img.frame.nutanix.com'
# The client secret is read from the FRAME_CLIENT_SECRET environment variable: never write it into code.
$clientSecret = $env:FRAME_CLIENT_SECRET

$uri = 'https://api.console.nutanix.com/v1/accounts/3f1e2d4c-5b6a-4978-8a1b-2c3d4e5f6a7b/secure-anonymous/secure-anon-64930212-2062-48a4-971b-7998672a9d2e/tokens'

# Signature: hex HMAC-SHA256 of timestamp + client id, keyed by the client secret.
$timestamp = [string][DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
$toSign = "$timestamp$clientId"
$hmac = New-Object System.Security.Cryptography.HMACSHA256
$hmac.Key = [Text.Encoding]::UTF8.GetBytes($clientSecret)
$signature = -join ($hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($toSign)) | ForEach-Object { $_.ToString('x2') })

$headers = @{
  'X-Frame-ClientId'  = $clientId
  'X-Frame-Timestamp' = $timestamp
  'X-Frame-Signature' = $signature
}

# Optional fields: first_name, last_name, email, email_domain, metadata (a JSON object).
$body = '{"first_name":"Zo\u00eb \u201cQ\u201d","metadata":{"nested":{"deep":{"list":[1,"two",{"three":true}]}},"unicode":"\u00dcn\u00efc\u00f8d\u00e9 \u2713 \u65e5\u672c\u8a9e \ud83d\ude80","quotes":"single '' double \" back ` typographic \u2018\u2019 \u201c\u201d","backslashes":"C:\\temp\\new \\u0041 \\n","newlines":"line one\nline two\r\n\ttabbed"}}'

# The answer is the JWT as a JSON string; Invoke-RestMethod parses it.
$token = Invoke-RestMethod -Method Post -Uri $uri -Headers $headers -ContentType 'application/json; charset=utf-8' -Body ([Text.Encoding]::UTF8.GetBytes($body))
Write-Output $token
