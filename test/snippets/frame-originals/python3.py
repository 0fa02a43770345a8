#!/bin/env python
# Frame's Python3 snippet as printed in the seed (/work/shared/reference/seed-secure-anonymous-tokens.txt,
# "Here's an example that prints the output of a token request in Python"), with its placeholders kept:
# test/snippets/frame-originals.test.ts fills them, and the `body = {}` line, as a user would.
# The seed's text lost characters in extraction and is Python 2. Deviations, each the least that runs on
# Python 3 (nothing else is changed, not even the unused base64 import or Frame's use of `data=`):
#  1. `signature =, to_sign, hashlib.sha256).hexdigest()` lost `hmac.new(client_secret`; restored, and
#     client_secret and to_sign are encoded, because Python 3's hmac takes bytes, not str.
#  2. `r ="<Account ID goes here>>/secure-anonymous/...` lost `requests.post(` and the URL's start: restored
#     with Frame's account-level token URL (frame-sat-api.md §1). The second ">" is taken as extraction
#     debris of the same lost link. The test puts the emulator's origin in place of Frame's, as a user
#     points the snippet at the URI the Playground shows.
#  3. `print r.json()` is a Python 2 statement: print(r.json()).

import hashlib
import hmac
import time
import requests
import base64

# Client credentials
client_id = "<Your API Client ID goes here>"
client_secret = "<Your API Client Secret goes here>"

# Create signature
timestamp = int(time.time())
to_sign = "%s%s" % (timestamp, client_id)
signature = hmac.new(client_secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()

# Prepare http request headers
headers = { "X-Frame-ClientId": client_id, "X-Frame-Timestamp": str(timestamp), "X-Frame-Signature": signature }

# Include optional params such as first_name, last_name, email_domain, email or metadata.
body = {}

# Make request
r = requests.post("https://api.console.nutanix.com/v1/accounts/<Account ID goes here>/secure-anonymous/<Secure anonymous provider ID goes here>/tokens", headers=headers, data=body)

# Print the response (a JWT)
print(r.json())
