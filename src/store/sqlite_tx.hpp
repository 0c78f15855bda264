#pragma once
// The SQLite implementation of Tx. Its methods are spread over sqlite_tx_*.cpp by
// table family to keep files short.
#include "store/sqlite_db.hpp"
#include "store/store.hpp"

namespace cis::store {

// Row readers shared by the files of one table family.
// email, name, trust, coalesce(secret, ''), event_limit, created_at
Organizer read_organizer(const Statement& s);
// id, hash, role, coalesce(organizer, ''), coalesce(domain, ''), label, created_at, revoked_at
ApiKey read_key(const Statement& s);
// Column lists shared by the sqlite_tx_*.cpp files that read these tables.
// The columns of EventFields, in this order, in both `events` and `occurrences`.
#define CIS_FIELD_COLUMNS                                                                    \
    "summary, description, location, start_utc, start_local, end_utc, end_local, timezone, " \
    "vtimezone, all_day, floating, status"
// Event columns: 0-3 keys, then the fields, then the rest.
#define CIS_EVENT_SELECT(where)                                               \
    ("SELECT id, organizer, original_uid, recurrence_id, " CIS_FIELD_COLUMNS  \
     ", rrule, rdates, exdates, last_end_utc, sequence, organizer_sequence, " \
     "organizer_dtstamp, created_at, updated_at FROM events " where)
#define CIS_INVITEE_SELECT(where)                                                        \
    ("SELECT id, event_id, email, name, origin, forwarded_from, uid, status, partstat, " \
     "client, delivery, last_error, invited_at, responded_at, sent_at, reply_sequence, " \
     "reply_dtstamp FROM invitees " where)
// An invitee from a statement of CIS_INVITEE_SELECT.
Invitee read_invitee(const Statement& s);
// A LIKE pattern (ESCAPE '\\') finding `text` anywhere, its own % and _ taken literally.
std::string contains_pattern(const std::string& text);

class SqliteTx final : public Tx {
  public:
    explicit SqliteTx(Database& db) : db_(db) {}

    void savepoint(const std::function<void()>& fn) override;

    std::optional<Organizer> find_organizer(const std::string& email) override;
    std::vector<Organizer> list_organizers() override;
    void put_organizer(const Organizer& o) override;
    bool remove_organizer(const std::string& email) override;
    bool organizer_domain_allowed(const std::string& domain) override;
    void allow_organizer_domain(const std::string& domain, std::int64_t now) override;

    std::optional<Event> find_event(const std::string& organizer, const std::string& uid,
                                    const std::string& recurrence_id) override;
    std::optional<Event> find_event_by_id(const std::string& id) override;
    std::vector<Event> list_events(const EventFilter& f) override;
    bool uid_owned_by_other(const std::string& organizer, const std::string& uid) override;
    std::int64_t count_upcoming_events(const std::string& organizer, std::int64_t now) override;
    void insert_event(const Event& e) override;
    void update_event(const Event& e) override;

    std::int64_t insert_change(const EventChange& c) override;
    void update_change(const EventChange& c) override;
    std::optional<EventChange> find_change(std::int64_t id) override;
    std::optional<EventChange> find_change_by_sequence(const std::string& event_id,
                                                       std::int64_t sequence) override;
    std::vector<EventChange> list_changes(const ChangeFilter& f) override;
    std::int64_t supersede_pending_changes(const std::string& event_id,
                                           std::int64_t below_sequence) override;
    std::vector<AudienceMember> fanout_audience(const std::string& event_id,
                                                const std::string& organizer,
                                                bool yes_or_maybe) override;
    std::int64_t supersede_queued(const std::string& event_id, std::int64_t below_sequence,
                                  bool invitations_too, const std::string& why) override;
    std::vector<DeliveryProgress> delivery_progress(const std::string& event_id) override;
    ApprovalSettings approval_settings(const std::string& event_id) override;
    void set_event_approval(const std::string& event_id, std::optional<bool> required) override;
    void set_organizer_approval(const std::string& email, std::optional<bool> required) override;

    std::int64_t insert_inbound(const InboundRecord& r, const std::string& raw) override;
    void set_inbound_outcome(const InboundRecord& r) override;
    std::optional<InboundRecord> find_inbound(std::int64_t id) override;
    std::optional<std::string> inbound_raw(std::int64_t id) override;
    std::vector<InboundRecord> list_inbound(const InboundFilter& f) override;

    void insert_api_key(const ApiKey& k) override;
    std::optional<ApiKey> find_api_key(const std::string& id) override;
    std::vector<ApiKey> list_api_keys() override;
    bool revoke_api_key(const std::string& id, std::int64_t now) override;

    std::optional<Invitee> find_invitee(const std::string& event_id,
                                        const std::string& email) override;
    std::optional<Invitee> find_invitee_by_id(std::int64_t id) override;
    std::optional<Invitee> find_invitee_by_uid(const std::string& uid) override;
    std::int64_t insert_invitee(const Invitee& i) override;
    void set_invitee_answer(const Invitee& i) override;
    std::int64_t insert_reply(const ReplyRecord& r) override;
    std::vector<ReplyRecord> replies_of(std::int64_t invitee_id) override;
    void set_invitee_delivery(std::int64_t id, const std::string& delivery,
                              const std::string& error,
                              std::optional<std::int64_t> sent_at) override;
    std::optional<std::string> suppression_reason(const std::string& email,
                                                  const std::string& organizer) override;
    void put_suppression(const std::string& email, const std::string& organizer,
                         const std::string& reason, const std::string& detail,
                         std::int64_t now) override;
    std::optional<Suppression> find_suppression(const std::string& email,
                                                const std::string& organizer) override;
    std::vector<Suppression> list_suppressions(const SuppressionFilter& f) override;
    bool remove_suppression(const std::string& email, const std::string& organizer) override;

    std::int64_t enqueue(const OutboxMessage& m) override;
    std::int64_t enqueue_once(const OutboxMessage& m) override;
    std::vector<OutboxMessage> list_outbox(std::size_t limit) override;
    std::optional<OutboxMessage> latest_outbox_for_invitee(std::int64_t invitee_id) override;
    std::vector<OutboxMessage> claim_outbox(const std::string& owner, std::int64_t now,
                                            std::int64_t lease_until, std::size_t limit) override;
    bool mark_committing(std::int64_t id, const std::string& owner) override;
    std::int64_t renew_leases(const std::string& owner, std::int64_t lease_until) override;
    bool finish_outbox(std::int64_t id, const std::string& owner, const OutboxOutcome& o) override;
    std::int64_t recover_outbox(std::int64_t now) override;
    void record_attempt(std::int64_t outbox_id, const DeliveryAttempt& a) override;
    std::vector<DeliveryAttempt> attempts_for(std::int64_t outbox_id) override;

    std::int64_t insert_sandbox(const SandboxMessage& m) override;
    std::vector<SandboxMessage> list_sandbox(const SandboxFilter& f) override;
    std::optional<SandboxMessage> find_sandbox(std::int64_t id) override;

    std::optional<std::string> setting(const std::string& key) override;
    void put_setting(const std::string& key, const std::string& value) override;

    std::vector<Organizer> list_organizers_page(const OrganizerPageFilter& f) override;
    std::optional<bool> organizer_approval(const std::string& email) override;
    std::vector<OrganizerDomain> list_organizer_domains() override;
    bool remove_organizer_domain(const std::string& domain) override;
    std::vector<ApiKey> list_api_keys_page(const KeyFilter& f) override;
    std::int64_t count_active_keys(const std::string& organizer) override;
    // bulk invitation jobs (sqlite_tx_bulk.cpp)
    std::int64_t insert_bulk_job(const BulkJob& j, const std::string& input) override;
    std::optional<BulkJob> find_bulk_job(std::int64_t id) override;
    std::optional<std::string> bulk_job_input(std::int64_t id) override;
    std::optional<BulkJob> next_bulk_job() override;
    std::vector<BulkJob> list_bulk_jobs(const BulkJobFilter& f) override;
    void update_bulk_job(const BulkJob& j) override;
    void insert_bulk_skip(std::int64_t job_id, const BulkSkip& s) override;
    std::vector<BulkSkip> list_bulk_skips(std::int64_t job_id, std::int64_t after,
                                          std::size_t limit) override;
    // display and statistics (sqlite_tx_display.cpp)
    std::vector<ListedEvent> list_events_page(const EventPageFilter& f) override;
    std::vector<Invitee> list_attendees(const AttendeeFilter& f) override;
    std::vector<InviteeCount> invitee_counts(const CountScope& scope) override;
    std::int64_t count_events(const CountScope& scope) override;
    std::vector<EventChange> event_versions(const std::string& event_id) override;
    // public pages, CTA links and feeds (sqlite_tx_pages.cpp)
    void insert_page(const Page& p) override;
    std::optional<Page> find_page(const std::string& id) override;
    std::vector<Page> list_pages(const PageFilter& f) override;
    void update_page(const Page& p) override;
    bool delete_page(const std::string& id) override;
    std::vector<Event> upcoming_events(const UpcomingFilter& f) override;
    void insert_cta_link(const CtaLink& l) override;
    std::optional<CtaLink> find_cta_link(const std::string& id) override;
    std::vector<CtaLink> list_cta_links(const std::string& event_id) override;
    std::vector<std::string> landing_urls(const std::string& organizer) override;
    void set_landing_urls(const std::string& organizer, const std::vector<std::string>& urls,
                          std::int64_t now) override;
    std::string organizer_feed_token(const std::string& organizer) override;
    void set_organizer_feed_token(const std::string& organizer, const std::string& token,
                                  std::int64_t now) override;
    std::optional<std::string> organizer_of_feed_token(const std::string& token) override;
    void insert_page_confirmation(const PageConfirmation& c) override;
    std::optional<PageConfirmation> find_page_confirmation(const std::string& token) override;
    void mark_page_confirmed(const std::string& token, std::int64_t now) override;

  private:
    Event read_event(Statement& s);
    void load_occurrences(Event& e);
    void write_occurrences(const Event& e);

    Database& db_;
    int savepoint_depth_ = 0;
};

}  // namespace cis::store
