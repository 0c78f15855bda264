#pragma once
// A thin RAII layer over the SQLite C API: one connection, cached prepared statements,
// errors as exceptions that say which statement failed and why.
#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cis::store {

class Statement {
  public:
    explicit Statement(sqlite3_stmt* s) : s_(s) {}
    ~Statement() {
        sqlite3_reset(s_);
        sqlite3_clear_bindings(s_);
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int i, std::int64_t v);
    Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
    Statement& bind(int i, bool v) { return bind(i, static_cast<std::int64_t>(v)); }
    Statement& bind(int i, std::string_view v);
    Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    Statement& bind(int i, std::optional<std::int64_t> v);
    Statement& bind_blob(int i, std::string_view v);
    Statement& bind_null(int i);

    bool step();  // true while a row is available
    void run();   // steps to completion

    std::int64_t i64(int col) const { return sqlite3_column_int64(s_, col); }
    bool is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
    std::optional<std::int64_t> opt_i64(int col) const {
        return is_null(col) ? std::nullopt : std::optional(i64(col));
    }
    std::string text(int col) const;

  private:
    sqlite3_stmt* s_;
};

class Database {
  public:
    Database(const std::string& path, int busy_timeout_ms);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(const std::string& sql);   // no parameters, no results
    Statement prepare(const char* sql);  // cached per connection by the text's address
    std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
    int changes() const { return sqlite3_changes(db_); }
    [[noreturn]] void fail(int rc, std::string_view what) const;

  private:
    sqlite3* db_ = nullptr;
    std::map<const char*, sqlite3_stmt*> cache_;
};

}  // namespace cis::store
