// Test helpers: a fresh store in a temporary directory, removed afterwards.
#pragma once
#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "tandem/storage/store.hpp"

namespace tandem::domain::test {

struct temp_store {
  std::filesystem::path dir;
  std::unique_ptr<storage::store> store;
  temp_store() {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() /
          ("tandem-domain-test-" + std::to_string(rd()) + std::to_string(rd()));
    reopen();
  }
  void reopen() {
    store.reset();
    storage::options o;
    o.dir = dir;
    o.mode = storage::durability::relaxed;
    auto s = storage::store::open(o);
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.err().message));
    store = std::move(*s);
  }
  ~temp_store() {
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  temp_store(const temp_store&) = delete;
  temp_store& operator=(const temp_store&) = delete;
};

}  // namespace tandem::domain::test
