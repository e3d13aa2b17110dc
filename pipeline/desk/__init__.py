"""The staff desk: a web adapter (FastAPI, Jinja2, uvicorn) over the use cases of
:mod:`pipeline.commands` — the IT service request room and the situation dashboard."""
