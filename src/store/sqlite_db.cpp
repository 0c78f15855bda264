#include "store/sqlite_db.hpp"

#include <fmt/format.h>

#include "store/store.hpp"

namespace cis::store {

namespace {
sqlite3* handle_of(sqlite3_stmt* s) {
    return sqlite3_db_handle(s);
}

void check_bind(sqlite3_stmt* s, int rc) {
    if (rc != SQLITE_OK)
        throw std::runtime_error(
            fmt::format("SQLite bind failed: {}", sqlite3_errmsg(handle_of(s))));
}

bool temporary(int rc) {
    const int primary = rc & 0xff;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_FULL ||
           primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN;
}
}  // namespace

Statement& Statement::bind(int i, std::int64_t v) {
    check_bind(s_, sqlite3_bind_int64(s_, i, v));
    return *this;
}
Statement& Statement::bind(int i, std::string_view v) {
    check_bind(s_,
               sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
}
Statement& Statement::bind(int i, std::optional<std::int64_t> v) {
    return v ? bind(i, *v) : bind_null(i);
}
Statement& Statement::bind_blob(int i, std::string_view v) {
    check_bind(s_,
               sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
}
Statement& Statement::bind_null(int i) {
    check_bind(s_, sqlite3_bind_null(s_, i));
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const std::string msg = fmt::format("SQLite error in \"{:.60}\": {}", sqlite3_sql(s_),
                                        sqlite3_errmsg(handle_of(s_)));
    if (temporary(rc)) throw TemporaryError(msg);
    throw std::runtime_error(msg);
}

void Statement::run() {
    while (step()) {
    }
}

std::string Statement::text(int col) const {
    const auto* p = sqlite3_column_blob(s_, col);
    const int n = sqlite3_column_bytes(s_, col);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n))
             : std::string();
}

Database::Database(const std::string& path, int busy_timeout_ms) {
    const int rc =
        sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw TemporaryError(fmt::format("cannot open database {}: {}", path, msg));
    }
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    // WAL: readers never block the writer, and `cis ingest` can write while
    // `cis serve` runs. synchronous=FULL: a commit is on disk before we answer 250.
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec("PRAGMA foreign_keys=ON");
}

Database::~Database() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
}

void Database::fail(int rc, std::string_view what) const {
    const std::string msg = fmt::format("SQLite error ({}): {}", what, sqlite3_errmsg(db_));
    if (temporary(rc)) throw TemporaryError(msg);
    throw std::runtime_error(msg);
}

void Database::exec(const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        const std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        const std::string full = fmt::format("SQLite error in \"{:.60}\": {}", sql, msg);
        if (temporary(rc)) throw TemporaryError(full);
        throw std::runtime_error(full);
    }
}

Statement Database::prepare(const char* sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
        sqlite3_stmt* stmt = nullptr;
        const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK) fail(rc, sql);
        it = cache_.emplace(sql, stmt).first;
    }
    return Statement(it->second);
}

}  // namespace cis::store
