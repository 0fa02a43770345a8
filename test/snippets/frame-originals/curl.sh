#!/bin/bash
# Frame's Curl snippet from the Playground (/work/shared/reference/frame-console/Frame_10.png), with its
# placeholders kept: test/snippets/frame-originals.test.ts fills them, the provider's URI and the `data=`
# line, as a user would. Deviations from the screenshot, where its lines are cut off at the right edge:
#  1. uri='https://api.console.nutanix.com/v1/organisations/your-organization-uuid/secure-anony…' is cut:
#     completed as secure-anonymous/<provider name>/tokens (frame-sat-api.md §1). The Playground fills in
#     the whole URI per provider; the test replaces the origin, the organization and the provider name.
#  2. signature=`… | sed 's/^.*` is cut: completed as sed 's/^.* //' (keep what follows the last space;
#     openssl prints "HMAC-SHA2-256(stdin)= <hex>" or "(stdin)= <hex>").
#  3. The comment after data='{}' is cut after "email or"; completed from the line above it.
#  4. The curl line is cut after the timestamp header: its tail is taken as -H "X-Frame-Signature:$signature"
#     -d $data, as frame-sat-api.md §3 states (§6 guessed a Content-Type header and "$data"; not followed).
#     With no Content-Type, curl labels the JSON text application/x-www-form-urlencoded; and $data is
#     unquoted, so a filled value must hold no space (it would split into two arguments).

# Client credentials
client_id="<Your API Client ID goes here>"
client_secret="<Your API Client Secret goes here>"

# Create signature
timestamp=`date +%s`
uri='https://api.console.nutanix.com/v1/organisations/your-organization-uuid/secure-anonymous/<provider name>/tokens'
to_sign="$timestamp$client_id"
signature=`echo -n "$to_sign" | openssl dgst -sha256 -hmac "$client_secret" | sed 's/^.* //'`

# Include optional params such as first_name, last_name, email_domain, email or metadata.
data='{}' #Include optional params such as first_name, last_name, email_domain, email or metadata.

# Make request
curl -X POST $uri -H "X-Frame-ClientId:$client_id" -H "X-Frame-Timestamp:$timestamp" -H "X-Frame-Signature:$signature" -d $data
