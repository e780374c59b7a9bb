"""The snapshot store: dated, tamper-evident versions of plans, behind one repository interface.

- `chain`: the hash chain (row hash, verify a sequence, relink); pure.
- `packing`: workbooks as content-defined chunks, stored once; pure.
- `repository`: the `Repository` interface, the rows it passes, and `open_repository(address)` (a path →
  SQLite, `postgresql://…` → the server backend; `SCHEMES` is the one place a backend is registered).
- `ledger`: append, find, rebuild and verify snapshots on any backend.
- `sqlite` (the embedded default, with `location`: network and synced folders), `memory` (tests), `postgres`.
- `anchor`: the append-only head log beside a file store.

The commands (`snapshot`, `history`, `diff_snapshots`, `restore`, `verify`, `load_plan`, …) are in
`sheetsync.snapshots`, the layer above, which reads and validates workbooks; the store never imports it.
"""
