//! Tests of the report command.
