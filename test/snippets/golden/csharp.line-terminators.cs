// Mint a Frame Secure Anonymous Token. .NET 6 or later (top-level program).
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

// The API client id (Frame: Users → Authentication → API).
var clientId = "00000000-0000-4000-8000-000000000000.img.frame.nutanix.com";
// The client secret is read from the FRAME_CLIENT_SECRET environment variable: never write it into code.
var clientSecret = Environment.GetEnvironmentVariable("FRAME_CLIENT_SECRET")!;

var uri = "https://api.console.nutanix.com/v1/accounts/3f1e2d4c-5b6a-4978-8a1b-2c3d4e5f6a7b/secure-anonymous/secure-anon-64930212-2062-48a4-971b-7998672a9d2e/tokens";

// Signature: hex HMAC-SHA256 of timestamp + client id, keyed by the client secret.
var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(clientSecret));
var signature = Convert.ToHexString(hmac.ComputeHash(Encoding.UTF8.GetBytes(timestamp + clientId))).ToLowerInvariant();

// Optional fields: first_name, last_name, email, email_domain, metadata (a JSON object).
var body = "{\"first_name\":\"A\\u2028B\\u2029C\\u0085D\",\"last_name\":\"cr\\rvt\\u000bff\\f\",\"metadata\":{\"terminators\":\"LS\\u2028PS\\u2029NEL\\u0085CR\\rLF\\nCRLF\\r\\nVT\\u000bFF\\f\",\"controls\":\"nul\\u0000soh\\u0001stx\\u0002esc\\u001bus\\u001fdel\\u007fpad\\u0080apc\\u009f\",\"emoji\":\"🚀 astral 𝄞 family 👨‍👩‍👧\",\"invisible\":\"bom\\ufeffrlo\\u202elri\\u2066pdi\\u2069lrm\\u200e\",\"key\\u2028with\\u0085terminators\":true}}";

using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
using var request = new HttpRequestMessage(HttpMethod.Post, uri)
{
    Content = new StringContent(body, Encoding.UTF8, "application/json"),
};
request.Headers.Add("X-Frame-ClientId", clientId);
request.Headers.Add("X-Frame-Timestamp", timestamp);
request.Headers.Add("X-Frame-Signature", signature);

var response = await http.SendAsync(request);
var raw = await response.Content.ReadAsStringAsync();
if (!response.IsSuccessStatusCode)
{
    Console.Error.WriteLine($"Frame answered {(int)response.StatusCode}: {raw}");
    return 1;
}

// The answer is the JWT as a JSON string.
var token = JsonSerializer.Deserialize<string>(raw);
Console.WriteLine(token);
return 0;
