from django.core.servers.basehttp import WSGIServer

# The live test server listens with a backlog of 10 connections: 50 people arriving in the same
# instant would be turned away by the socket before reaching the application under test (in
# production gunicorn's backlog is 2048). Set before the session's live server starts.
WSGIServer.request_queue_size = 128
