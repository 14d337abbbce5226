// Umbrella header of tandem_crdt: the Yjs-compatible CRDT (see crdt/README.md).
#pragma once
#include "tandem/crdt/any.hpp"
#include "tandem/crdt/doc.hpp"
#include "tandem/crdt/lib0.hpp"
#include "tandem/crdt/result.hpp"
