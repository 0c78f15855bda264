#pragma once
// A fresh, migrated SQLite store in a directory of its own for each test, removed after.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.hpp"

namespace cis::test {

class StoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("cis-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        store_ = store::open_sqlite({db_path()});
        store_->migrate();
    }
    void TearDown() override {
        store_.reset();
        std::filesystem::remove_all(dir_);
    }
    std::string db_path() const { return (dir_ / "cis.sqlite3").string(); }

    std::filesystem::path dir_;
    std::unique_ptr<store::Store> store_;
};

}  // namespace cis::test
