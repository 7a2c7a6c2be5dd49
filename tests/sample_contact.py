"""The billing contact every test subscribe uses: Zoom's BillingContactRequired, all fields set."""

CONTACT = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "billing@acme.example",
    "phone_number": "+44 20 7946 0000",
    "address": "1 Main St",
    "city": "London",
    "state": "London",
    "zip": "EC1A 1BB",
    "country": "GB",
}
