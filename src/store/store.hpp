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

    // event versions and their fan-out
    virtual std::int64_t insert_change(const EventChange& c) = 0;  // returns the id
    // Stores approval, fanout, queued, decided_at and decided_by.
    virtual void update_change(const EventChange& c) = 0;
    virtual std::optional<EventChange> find_change(std::int64_t id) = 0;
    virtual std::optional<EventChange> find_change_by_sequence(const std::string& event_id,
                                                               std::int64_t sequence) = 0;
    virtual std::vector<EventChange> list_changes(const ChangeFilter& f) = 0;  // newest first
    // Older changes of the event still awaiting approval will never be sent: a newer
    // version replaces them. Returns how many.
    virtual std::int64_t supersede_pending_changes(const std::string& event_id,
                                                   std::int64_t below_sequence) = 0;
    // The invitees whose calendars may hold the event (an invitation of theirs left or is
    // leaving), minus suppressed addresses; with `yes_or_maybe`, only those whose latest
    // answer is Yes or Maybe.
    virtual std::vector<AudienceMember> fanout_audience(const std::string& event_id,
                                                        const std::string& organizer,
                                                        bool yes_or_maybe) = 0;
    // Queued messages of the event that a new version makes pointless: updates and
    // cancels of older versions and, with `invitations_too`, invitations (a cancelled
    // event takes none). They become "superseded" with `why`. Returns how many.
    virtual std::int64_t supersede_queued(const std::string& event_id, std::int64_t below_sequence,
                                          bool invitations_too, const std::string& why) = 0;
    virtual std::vector<DeliveryProgress> delivery_progress(const std::string& event_id) = 0;
    virtual ApprovalSettings approval_settings(const std::string& event_id) = 0;
    virtual void set_event_approval(const std::string& event_id, std::optional<bool> required) = 0;
    virtual void set_organizer_approval(const std::string& email, std::optional<bool> required) = 0;

    // inbound log
    virtual std::int64_t insert_inbound(const InboundRecord& r, const std::string& raw) = 0;
    virtual void set_inbound_outcome(
        const InboundRecord& r) = 0;  // status, reason, organizer, event_ids, details
    virtual std::optional<InboundRecord> find_inbound(std::int64_t id) = 0;
    virtual std::optional<std::string> inbound_raw(std::int64_t id) = 0;
    virtual std::vector<InboundRecord> list_inbound(const InboundFilter& f) = 0;

    // API keys
    virtual void insert_api_key(const ApiKey& k) = 0;
    virtual std::optional<ApiKey> find_api_key(const std::string& id) = 0;
    virtual std::vector<ApiKey> list_api_keys() = 0;
    virtual bool revoke_api_key(const std::string& id, std::int64_t now) = 0;

    // invitees and suppressions
    virtual std::optional<Invitee> find_invitee(const std::string& event_id,
                                                const std::string& email) = 0;
    virtual std::optional<Invitee> find_invitee_by_id(std::int64_t id) = 0;
    virtual std::optional<Invitee> find_invitee_by_uid(const std::string& uid) = 0;
    virtual std::int64_t insert_invitee(const Invitee& i) = 0;
    // Stores status, partstat, client, reply_sequence, reply_dtstamp and responded_at.
    virtual void set_invitee_answer(const Invitee& i) = 0;
    virtual std::int64_t insert_reply(const ReplyRecord& r) = 0;
    virtual std::vector<ReplyRecord> replies_of(std::int64_t invitee_id) = 0;  // oldest first
    virtual void set_invitee_delivery(std::int64_t id, const std::string& delivery,
                                      const std::string& error,
                                      std::optional<std::int64_t> sent_at) = 0;
    // The reason an address may not be mailed for this organizer, if any.
    virtual std::optional<std::string> suppression_reason(const std::string& email,
                                                          const std::string& organizer) = 0;
    virtual void put_suppression(const std::string& email, const std::string& organizer,
                                 const std::string& reason, const std::string& detail,
                                 std::int64_t now) = 0;
    // The entry for exactly (email, organizer); organizer "" is the global one.
    virtual std::optional<Suppression> find_suppression(const std::string& email,
                                                        const std::string& organizer) = 0;
    virtual std::vector<Suppression> list_suppressions(const SuppressionFilter& f) = 0;
    // Removes the entry for exactly (email, organizer). False when there was none.
    virtual bool remove_suppression(const std::string& email, const std::string& organizer) = 0;

    // outbox
    virtual std::int64_t enqueue(const OutboxMessage& m) = 0;
    // The same for invite/update/cancel messages, unless one of that kind already exists
    // for (event, invitee, SEQUENCE): exactly once per version. Returns 0 then.
    virtual std::int64_t enqueue_once(const OutboxMessage& m) = 0;
    virtual std::vector<OutboxMessage> list_outbox(std::size_t limit) = 0;
    virtual std::optional<OutboxMessage> latest_outbox_for_invitee(std::int64_t invitee_id) = 0;
    // Leases up to `limit` due jobs to `owner` until `lease_until` (several workers, even
    // in several processes, never get the same job).
    virtual std::vector<OutboxMessage> claim_outbox(const std::string& owner, std::int64_t now,
                                                    std::int64_t lease_until,
                                                    std::size_t limit) = 0;
    // The final "." of job `id` is about to be sent: after a crash it counts as sent. False
    // when the job is no longer `owner`'s to send (its lease ran out and another worker took
    // it over): the caller must then not send it.
    virtual bool mark_committing(std::int64_t id, const std::string& owner) = 0;
    // Extends the lease of every job `owner` holds (a slow relay must not let another
    // worker take over jobs still on the wire). Returns how many.
    virtual std::int64_t renew_leases(const std::string& owner, std::int64_t lease_until) = 0;
    // Records the outcome of `owner`'s job. False (and nothing changed) when the job is no
    // longer `owner`'s: another worker's record stands.
    virtual bool finish_outbox(std::int64_t id, const std::string& owner,
                               const OutboxOutcome& o) = 0;
    // Jobs whose worker vanished (lease expired): "sending" ones go back to the queue
    // (their message never completed), "committing" ones count as sent. Returns how many.
    virtual std::int64_t recover_outbox(std::int64_t now) = 0;
    virtual void record_attempt(std::int64_t outbox_id, const DeliveryAttempt& a) = 0;
    virtual std::vector<DeliveryAttempt> attempts_for(std::int64_t outbox_id) = 0;

    // sandbox transport
    virtual std::int64_t insert_sandbox(const SandboxMessage& m) = 0;
    virtual std::vector<SandboxMessage> list_sandbox(
        const SandboxFilter& f) = 0;  // newest first, no raw
    virtual std::optional<SandboxMessage> find_sandbox(std::int64_t id) = 0;

    // settings (installation keys and switches)
    virtual std::optional<std::string> setting(const std::string& key) = 0;
    virtual void put_setting(const std::string& key, const std::string& value) = 0;

    // --- management API: organizers and keys (sqlite_tx_manage.cpp) ---
    virtual std::vector<Organizer> list_organizers_page(const OrganizerPageFilter& f) = 0;
    // The organizer's own approval switch (nullopt: inherits the installation's).
    virtual std::optional<bool> organizer_approval(const std::string& email) = 0;
    virtual std::vector<OrganizerDomain> list_organizer_domains() = 0;
    virtual bool remove_organizer_domain(const std::string& domain) = 0;  // false: not allowed
    virtual std::vector<ApiKey> list_api_keys_page(const KeyFilter& f) = 0;
    // How many keys of this organizer are not revoked (without reading them).
    virtual std::int64_t count_active_keys(const std::string& organizer) = 0;
    // --- bulk invitation jobs (issue 5; sqlite_tx_bulk.cpp) ---------------------------
    virtual std::int64_t insert_bulk_job(const BulkJob& j, const std::string& input) = 0;
    virtual std::optional<BulkJob> find_bulk_job(std::int64_t id) = 0;  // without input
    virtual std::optional<std::string> bulk_job_input(std::int64_t id) = 0;
    // The oldest job still to do (queued, or running when a crash interrupted it).
    virtual std::optional<BulkJob> next_bulk_job() = 0;
    virtual std::vector<BulkJob> list_bulk_jobs(const BulkJobFilter& f) = 0;
    // Stores state, error, position, counts, started_at and finished_at; a finished job
    // drops its input.
    virtual void update_bulk_job(const BulkJob& j) = 0;
    virtual void insert_bulk_skip(std::int64_t job_id, const BulkSkip& s) = 0;
    // Skipped rows by line, from line `after` on (exclusive).
    virtual std::vector<BulkSkip> list_bulk_skips(std::int64_t job_id, std::int64_t after,
                                                  std::size_t limit) = 0;
    // ---- display and statistics (issue 5; sqlite_tx_display.cpp) ----
    virtual std::vector<ListedEvent> list_events_page(const EventPageFilter& f) = 0;
    virtual std::vector<Invitee> list_attendees(const AttendeeFilter& f) = 0;  // by address
    // The invitee counters (kept by triggers in the transaction that changes an invitee)
    // summed over the scope; entries that fell to zero are left out.
    virtual std::vector<InviteeCount> invitee_counts(const CountScope& scope) = 0;
    // How many events the scope holds, whatever their status (event_id is ignored).
    virtual std::int64_t count_events(const CountScope& scope) = 0;
    // The event's versions, oldest first, through its own index (list_changes filters all
    // changes): sequence, outcome, kind, approval, fanout and queued only.
    virtual std::vector<EventChange> event_versions(const std::string& event_id) = 0;
    // ---- public pages, CTA links and feeds (issue 6; sqlite_tx_pages.cpp) ----
    virtual void insert_page(const Page& p) = 0;
    virtual std::optional<Page> find_page(const std::string& id) = 0;
    virtual std::vector<Page> list_pages(const PageFilter& f) = 0;
    virtual void update_page(const Page& p) = 0;  // every field but id and created_at
    virtual bool delete_page(const std::string& id) = 0;  // false: no such page
    virtual std::vector<Event> upcoming_events(const UpcomingFilter& f) = 0;
    virtual void insert_cta_link(const CtaLink& l) = 0;
    virtual std::optional<CtaLink> find_cta_link(const std::string& id) = 0;
    virtual std::vector<CtaLink> list_cta_links(const std::string& event_id) = 0;
    // The organizer's allow-list of landing URL prefixes (CTA links, page redirects).
    virtual std::vector<std::string> landing_urls(const std::string& organizer) = 0;
    virtual void set_landing_urls(const std::string& organizer,
                                  const std::vector<std::string>& urls, std::int64_t now) = 0;
    // The secret token of the organizer's calendar feed; "" when none was made yet.
    virtual std::string organizer_feed_token(const std::string& organizer) = 0;
    virtual void set_organizer_feed_token(const std::string& organizer, const std::string& token,
                                          std::int64_t now) = 0;
    virtual std::optional<std::string> organizer_of_feed_token(const std::string& token) = 0;
    // Pending sends of pages that ask for confirmation. Inserting one also drops those that
    // expired over a week before `c.created_at`.
    virtual void insert_page_confirmation(const PageConfirmation& c) = 0;
    virtual std::optional<PageConfirmation> find_page_confirmation(const std::string& token) = 0;
    // Records the first confirmation; later ones leave it.
    virtual void mark_page_confirmed(const std::string& token, std::int64_t now) = 0;
};

// How durable a write must be before write() returns.
enum class Durability {
    Disk,     // on disk (fsync): survives a power loss — what an SMTP 250 promises
    Process,  // survives the process being killed, not the machine losing power; for
              // bookkeeping whose loss only repeats work (outbox leases and states)
};

class Store {
  public:
    virtual ~Store() = default;
    // One write transaction: committed when fn returns, rolled back when it throws.
    // Writers are serialised (also across processes sharing the database).
    virtual void write(const std::function<void(Tx&)>& fn, Durability d = Durability::Disk) = 0;
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
