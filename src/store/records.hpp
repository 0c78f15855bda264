#pragma once
// Rows of the store other than events (core/event.hpp has those).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cis::store {

struct Organizer {
    std::string email;
    std::string name;
    std::string trust = "default";  // default (installation policy) / dkim / secret / both / none
    std::string secret;             // for create+<secret>@
    std::int64_t event_limit = 0;   // 0 = no limit
    std::int64_t created_at = 0;
};

struct InboundRecord {
    std::int64_t id = 0;
    std::int64_t received_at = 0;
    std::string channel;  // smtp / ingest / http
    std::string mailbox;  // create / rsvp / bulk / bounce
    std::string rcpt, mail_from, remote;
    std::string from_address, subject, message_id;
    std::int64_t size = 0;
    std::string sha256;
    std::string status = "received";
    std::string reason;
    std::string organizer;
    std::vector<std::string> event_ids;
    std::string details = "{}";  // JSON: per-event outcomes, warnings
    std::optional<std::int64_t> processed_at;
};

struct OutboxMessage {
    std::int64_t id = 0;
    std::string kind;  // notification / invite / update / cancel / report
    std::string event_id;
    std::optional<std::int64_t> invitee_id, sequence;
    std::string env_from, rcpt;
    std::string message;  // the whole RFC 5322 message
    std::string state = "queued";
    std::int64_t attempts = 0;
    std::int64_t next_attempt_at = 0;
    std::string last_error;
    std::int64_t created_at = 0;
};

struct EventFilter {
    std::string organizer;  // empty = all
    std::size_t limit = 100;
};

struct InboundFilter {
    std::string status;  // empty = all
    std::size_t limit = 50;
};

}  // namespace cis::store
