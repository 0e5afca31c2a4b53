"""`ps-tui serve`: a small HTTP server that shares one Store with a team.

An optional extra (`pip install 'ps-tui[server]'`): nothing outside this
package imports FastAPI or uvicorn, so `ps-tui` itself starts without them.

- `app.py`    the FastAPI app and its routes (`create_app`)
- `state.py`  the store held in memory, writes serialized, changes tracked
- `wire.py`   request decoding, response encoding and the OpenAPI schema
- `auth.py`   the bearer token check
- `errors.py` every error as a JSON body, never a 500 for client input
- `events.py` live updates: the ChangeBus and the `GET /api/v1/events` stream
- `connections.py` the connection cap and deadlines on top of uvicorn
"""
