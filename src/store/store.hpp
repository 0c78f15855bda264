#pragma once
// The one owner of state. Callers see this interface only; SQLite is the embedded
// implementation, PostgreSQL comes later behind the same calls.
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "store/records.hpp"

namespace cis::store {

// A storage failure a caller may retry later (busy database, disk full, I/O error).
struct TemporaryError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Everything done inside one transaction. Reads see the transaction's snapshot.
class Tx {
  public:
    virtual ~Tx() = default;

    // Runs fn in a savepoint: on an exception its writes are undone and it rethrows,
    // leaving the rest of the transaction intact.
    virtual void savepoint(const std::function<void()>& fn) = 0;

    // organizers
    virtual std::optional<Organizer> find_organizer(const std::string& email) = 0;
    virtual std::vector<Organizer> list_organizers() = 0;
    virtual void put_organizer(const Organizer& o) = 0;  // insert or update
    virtual bool remove_organizer(const std::string& email) = 0;
    virtual bool organizer_domain_allowed(const std::string& domain) = 0;
    virtual void allow_organizer_domain(const std::string& domain, std::int64_t now) = 0;

    // events
    virtual std::optional<Event> find_event(const std::string& organizer, const std::string& uid,
                                            const std::string& recurrence_id) = 0;
    virtual std::optional<Event> find_event_by_id(const std::string& id) = 0;
    virtual std::vector<Event> list_events(const EventFilter& f) = 0;
    virtual bool uid_owned_by_other(const std::string& organizer, const std::string& uid) = 0;
    virtual std::int64_t count_upcoming_events(const std::string& organizer, std::int64_t now) = 0;
    virtual void insert_event(const Event& e) = 0;
    virtual void update_event(const Event& e) = 0;  // replaces fields and occurrences
    virtual void record_change(const std::string& event_id, std::int64_t sequence,
                               const std::string& outcome, std::optional<std::int64_t> inbound_id,
                               std::int64_t now) = 0;
    virtual std::int64_t count_invitees(const std::string& event_id, bool only_yes_maybe) = 0;

    // inbound log
    virtual std::int64_t insert_inbound(const InboundRecord& r, const std::string& raw) = 0;
    virtual void set_inbound_outcome(
        const InboundRecord& r) = 0;  // status, reason, organizer, event_ids, details
    virtual std::optional<InboundRecord> find_inbound(std::int64_t id) = 0;
    virtual std::optional<std::string> inbound_raw(std::int64_t id) = 0;
    virtual std::vector<InboundRecord> list_inbound(const InboundFilter& f) = 0;

    // outbox
    virtual std::int64_t enqueue(const OutboxMessage& m) = 0;
    virtual std::vector<OutboxMessage> list_outbox(std::size_t limit) = 0;

    // settings (installation keys and switches)
    virtual std::optional<std::string> setting(const std::string& key) = 0;
    virtual void put_setting(const std::string& key, const std::string& value) = 0;
};

class Store {
  public:
    virtual ~Store() = default;
    // One write transaction: committed when fn returns, rolled back when it throws.
    // Writers are serialised (also across processes sharing the database).
    virtual void write(const std::function<void(Tx&)>& fn) = 0;
    // A read-only snapshot.
    virtual void read(const std::function<void(Tx&)>& fn) = 0;
    // Applies pending migrations; returns the schema version.
    virtual int migrate() = 0;
    virtual int schema_version() = 0;
};

struct SqliteOptions {
    std::string path;             // the database file
    int busy_timeout_ms = 10000;  // waiting for another process's write
};
std::unique_ptr<Store> open_sqlite(const SqliteOptions& opts);

}  // namespace cis::store
