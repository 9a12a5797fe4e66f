// Where the API is. Empty: the same origin that serves this page (the dev server does both).
// Publishing writes this file with the deployed API's URL (see README, "Web console").
globalThis.BAZAAR_API = '';
