#include "services/intake_writer.hpp"

#include <spdlog/spdlog.h>

#include <ctime>

namespace cis::services {

namespace {

// Keeps a message whose processing failed: raw, with the reason, for `cis inbound show`
// and a later retry. Nothing accepted is ever dropped.
IntakeResult record_failure(store::Tx& tx, const Prepared& p, const std::string& what,
                            std::int64_t now) {
    store::InboundRecord r;
    r.received_at = p.delivery.received_at;
    r.channel = p.delivery.channel;
    r.mailbox = to_string(p.route.mailbox);
    r.rcpt = p.delivery.rcpt;
    r.mail_from = p.delivery.mail_from;
    r.remote = p.delivery.remote;
    r.from_address = p.mail.from_address;
    r.subject = p.mail.subject;
    r.message_id = p.mail.message_id;
    r.sha256 = p.sha256;
    r.status = "error";
    r.reason = "internal error while processing: " + what;
    r.id = tx.insert_inbound(r, p.delivery.raw);
    r.processed_at = now;
    tx.set_inbound_outcome(r);
    spdlog::error("inbound {} from {}: {}", r.id, r.from_address, r.reason);
    IntakeResult result;
    result.inbound_id = r.id;
    result.status = r.status;
    result.reason = r.reason;
    return result;
}

IntakeResult apply_guarded(store::Tx& tx, const Prepared& p, const IntakePolicy& policy,
                           std::int64_t now) {
    IntakeResult result;
    try {
        tx.savepoint([&] { result = apply(tx, p, policy, now); });
    } catch (const store::TemporaryError&) {
        throw;  // the database itself is unavailable: the whole batch is retried by senders
    } catch (const std::exception& e) {
        tx.savepoint([&] { result = record_failure(tx, p, e.what(), now); });
    }
    return result;
}

}  // namespace

IntakeResult process_now(store::Store& store, const Prepared& p, const IntakePolicy& policy,
                         std::int64_t now) {
    IntakeResult result;
    store.write([&](store::Tx& tx) { result = apply_guarded(tx, p, policy, now); });
    return result;
}

void IntakeWriter::submit(Prepared p, Callback done) {
    // The job owns the message until its batch is committed and answered.
    auto state = std::make_shared<std::pair<Prepared, IntakeResult>>(std::move(p), IntakeResult{});
    const std::int64_t now = std::time(nullptr);
    store::WriteJob job;
    job.work = [this, state, now](store::Tx& tx) {
        state->second = apply(tx, state->first, policy_, now);
    };
    job.on_error = [state, now](store::Tx& tx, const std::exception& e) {
        state->second = record_failure(tx, state->first, e.what(), now);
    };
    job.done = [state, done = std::move(done)](bool committed) {
        const auto& [prepared, result] = *state;
        if (committed)
            spdlog::debug("inbound {} {}@ from {}: {} — {}", result.inbound_id,
                          to_string(prepared.route.mailbox), prepared.mail.from_address,
                          result.status, result.reason);
        else
            spdlog::error("could not store a message from {}; the sender will retry",
                          prepared.mail.from_address);
        done(committed, result);
    };
    committer_.submit(std::move(job));
}

}  // namespace cis::services
