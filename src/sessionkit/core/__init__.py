"""The core: methods and plans as models, the engine, state and the record.

Pure: nothing here imports Textual, Rich, Starlette, uvicorn, or touches files or the
network (the import-linter contracts in ``pyproject.toml`` hold it to that). Adapters
(the TUI, the phone server, the store, the exports) depend on it, never the reverse.
"""
