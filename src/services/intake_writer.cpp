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

IntakeWriter::IntakeWriter(store::Store& store, IntakePolicy policy, std::size_t max_batch)
    : store_(store),
      policy_(std::move(policy)),
      max_batch_(max_batch),
      thread_([this] { loop(); }) {}

IntakeWriter::~IntakeWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void IntakeWriter::submit(Prepared p, Callback done) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(Item{std::move(p), std::move(done), {}});
    }
    wake_.notify_one();
}

void IntakeWriter::loop() {
    for (;;) {
        std::deque<Item> batch;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, and everything is done
            while (!queue_.empty() && batch.size() < max_batch_) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        commit(batch);
    }
}

void IntakeWriter::commit(std::deque<Item>& batch) {
    const std::int64_t now = std::time(nullptr);
    bool ok = true;
    try {
        store_.write([&](store::Tx& tx) {
            for (auto& item : batch) item.result = apply_guarded(tx, item.prepared, policy_, now);
        });
    } catch (const std::exception& e) {
        ok = false;
        spdlog::error("could not store {} inbound message(s), senders will retry: {}", batch.size(),
                      e.what());
    }
    for (auto& item : batch) {
        if (ok)
            spdlog::debug("inbound {} {}@ from {}: {} — {}", item.result.inbound_id,
                          to_string(item.prepared.route.mailbox), item.prepared.mail.from_address,
                          item.result.status, item.result.reason);
        item.done(ok, item.result);
    }
}

}  // namespace cis::services
