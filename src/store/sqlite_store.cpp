// The embedded Store: one SQLite file in WAL mode. In-process writers are serialised
// by a mutex (one connection writes); other processes (`cis ingest`) are serialised by
// SQLite's own lock with a busy timeout. Readers use their own connections.
#include <fmt/format.h>

#include <mutex>
#include <vector>

#include "store/migrations.hpp"
#include "store/sqlite_tx.hpp"

namespace cis::store {

namespace {

class SqliteStore final : public Store {
  public:
    explicit SqliteStore(SqliteOptions opts)
        : opts_(std::move(opts)), writer_(opts_.path, opts_.busy_timeout_ms) {}

    void write(const std::function<void(Tx&)>& fn, Durability d) override {
        std::lock_guard lock(write_mutex_);
        if (d == Durability::Disk) return run_in_transaction(writer_, "BEGIN IMMEDIATE", fn);
        // WAL with synchronous=NORMAL: committed to the log without an fsync; the next
        // Disk commit (or checkpoint) makes it durable against power loss too.
        writer_.exec("PRAGMA synchronous=NORMAL");
        try {
            run_in_transaction(writer_, "BEGIN IMMEDIATE", fn);
        } catch (...) {
            writer_.exec("PRAGMA synchronous=FULL");
            throw;
        }
        writer_.exec("PRAGMA synchronous=FULL");
    }

    void read(const std::function<void(Tx&)>& fn) override {
        std::unique_ptr<Database> db = take_reader();
        try {
            run_in_transaction(*db, "BEGIN", fn);
        } catch (...) {
            give_back(std::move(db));
            throw;
        }
        give_back(std::move(db));
    }

    int migrate() override {
        std::lock_guard lock(write_mutex_);
        writer_.exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "description TEXT NOT NULL, applied_at INTEGER NOT NULL)");
        for (const auto& m : sqlite_migrations()) {
            run_in_transaction(writer_, "BEGIN IMMEDIATE", [&](Tx&) {
                auto s = writer_.prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
                s.bind(1, m.version);
                if (s.step()) return;
                writer_.exec(m.sql);
                auto ins = writer_.prepare(
                    "INSERT INTO schema_migrations (version, description, applied_at) "
                    "VALUES (?, ?, strftime('%s','now'))");
                ins.bind(1, m.version).bind(2, m.description).run();
            });
        }
        return version_of(writer_);
    }

    int schema_version() override {
        std::lock_guard lock(write_mutex_);
        return version_of(writer_);
    }

  private:
    static void run_in_transaction(Database& db, const char* begin,
                                   const std::function<void(Tx&)>& fn) {
        db.exec(begin);
        try {
            SqliteTx tx(db);
            fn(tx);
            db.exec("COMMIT");
        } catch (...) {
            try {
                db.exec("ROLLBACK");
            } catch (...) {
                // The connection already rolled back (e.g. after SQLITE_FULL).
            }
            throw;
        }
    }

    static int version_of(Database& db) {
        auto s = db.prepare(
            "SELECT coalesce(max(version), 0) FROM sqlite_master, schema_migrations "
            "WHERE sqlite_master.name = 'schema_migrations'");
        return s.step() ? static_cast<int>(s.i64(0)) : 0;
    }

    std::unique_ptr<Database> take_reader() {
        {
            std::lock_guard lock(pool_mutex_);
            if (!readers_.empty()) {
                auto db = std::move(readers_.back());
                readers_.pop_back();
                return db;
            }
        }
        return std::make_unique<Database>(opts_.path, opts_.busy_timeout_ms);
    }

    void give_back(std::unique_ptr<Database> db) {
        std::lock_guard lock(pool_mutex_);
        if (readers_.size() < 8) readers_.push_back(std::move(db));
    }

    SqliteOptions opts_;
    std::mutex write_mutex_;
    Database writer_;
    std::mutex pool_mutex_;
    std::vector<std::unique_ptr<Database>> readers_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite(const SqliteOptions& opts) {
    return std::make_unique<SqliteStore>(opts);
}

}  // namespace cis::store
