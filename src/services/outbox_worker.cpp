#include "services/outbox_worker.hpp"

#include "core/thread_name.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

namespace cis::services {

namespace {

using Status = DeliveryOutcome::Status;
constexpr std::int64_t kRecoveryEvery = 10;  // seconds between looks for abandoned leases

std::string reply_text(const DeliveryOutcome& o) {
    std::string s = o.code ? std::to_string(o.code) : std::string();
    if (!o.enhanced.empty()) s += (s.empty() ? "" : " ") + o.enhanced;
    if (!o.text.empty()) s += (s.empty() ? "" : " ") + o.text;
    return s;
}

// RFC 3463 codes that mean the address itself is bad: no later mail may go there.
bool address_is_dead(const DeliveryOutcome& o) {
    return o.enhanced == "5.1.1" || o.enhanced == "5.1.10" || o.enhanced == "5.1.2" ||
           o.enhanced == "5.2.1" || o.enhanced == "5.1.6";
}

struct Slot {
    OutgoingItem item;
    std::optional<DeliveryOutcome> outcome;
    std::string obsolete;  // why the job is no longer wanted
};

}  // namespace

OutboxWorker::OutboxWorker(store::Store& store, Transport& transport, Renderer renderer,
                           WorkerOptions opts, Signer sign)
    : store_(store),
      transport_(transport),
      renderer_(std::move(renderer)),
      opts_(std::move(opts)),
      sign_(std::move(sign)) {}

OutboxWorker::~OutboxWorker() {
    stop();
}

void OutboxWorker::start() {
    // Commit marks need no fsync (Durability::Process): see store.hpp.
    marks_ = std::make_unique<store::GroupCommitter>(store_, 1024, store::Durability::Process);
    const std::size_t n = std::max<std::size_t>(1, opts_.threads);
    for (std::size_t i = 0; i < n; ++i) threads_.emplace_back([this, i] { run(i); });
}

void OutboxWorker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
    marks_.reset();  // after the threads: their deliveries may still be marking
}

void OutboxWorker::poke() {
    {
        std::lock_guard lock(mutex_);
        poked_ = true;
    }
    wake_.notify_all();
}

void OutboxWorker::run(std::size_t index) {
    const std::string owner = fmt::format("{}:{}", opts_.owner, index);
    name_this_thread(fmt::format("cis-out-{}", index));
    for (;;) {
        bool busy = false;
        try {
            busy = round(owner, /*recover=*/index == 0);
        } catch (const std::exception& e) {
            spdlog::error("outbox worker: {}; retrying in a second", e.what());
        }
        std::unique_lock lock(mutex_);
        if (stopping_) return;
        if (!busy)
            wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || poked_; });
        poked_ = false;
        if (stopping_) return;
    }
}

bool OutboxWorker::round(const std::string& owner, bool recover) {
    const std::int64_t now = std::time(nullptr);
    if (recover && now - last_recovery_ >= kRecoveryEvery) {
        std::int64_t recovered = 0;
        store_.write([&](store::Tx& tx) { recovered = tx.recover_outbox(now); },
                     store::Durability::Process);
        if (recovered) spdlog::warn("outbox: {} job(s) of a stopped worker taken over", recovered);
        last_recovery_ = now;
    }
    std::vector<store::OutboxMessage> jobs;
    store_.write(
        [&](store::Tx& tx) {
            jobs = tx.claim_outbox(owner, now, now + opts_.lease_seconds, opts_.batch);
        },
        store::Durability::Process);
    if (jobs.empty()) return false;

    std::vector<Slot> slots(jobs.size());
    store_.read([&](store::Tx& tx) {
        for (std::size_t i = 0; i < jobs.size(); ++i) {
            slots[i].item.job = std::move(jobs[i]);
            auto& job = slots[i].item.job;
            if (!job.message.empty()) {
                slots[i].item.message = job.message;
                continue;
            }
            try {
                std::string why;
                if (auto r = renderer_(tx, job, why)) {
                    slots[i].item.message = std::move(r->message);
                    job.message_id = std::move(r->message_id);
                } else {
                    slots[i].obsolete = why;
                }
            } catch (const std::exception& e) {
                slots[i].outcome = DeliveryOutcome{Status::Failed, 0, "",
                                                   fmt::format("could not render: {}", e.what())};
            }
        }
    });

    // DKIM: signed last, over exactly the bytes that leave. A rendered invitation is kept
    // signed (a retry repeats it); a stored notification is signed again at each attempt.
    if (sign_)
        for (auto& slot : slots) {
            if (!slot.obsolete.empty() || slot.outcome) continue;
            try {
                slot.item.message.insert(0, sign_(slot.item.message));
            } catch (const std::exception& e) {
                slot.outcome = DeliveryOutcome{Status::Failed, 0, "",
                                               fmt::format("could not sign: {}", e.what())};
            }
        }

    std::mutex m;
    std::condition_variable all_done;
    std::size_t pending = 0;
    for (auto& s : slots) pending += s.obsolete.empty() && !s.outcome;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        if (!slots[i].obsolete.empty() || slots[i].outcome) continue;
        const std::int64_t id = slots[i].item.job.id;
        transport_.deliver(
            slots[i].item,
            [this, id, &owner](Transport::Proceed proceed) {
                mark_committing(id, owner, std::move(proceed));
            },
            [&, i](DeliveryOutcome o) {
                std::lock_guard lock(m);
                slots[i].outcome = std::move(o);
                if (--pending == 0) all_done.notify_all();
            });
    }
    // A slow relay must not let the lease run out under jobs still on the wire: renew it
    // every third of its length while waiting.
    const auto renew_every =
        std::chrono::milliseconds(std::max<std::int64_t>(100, opts_.lease_seconds * 1000 / 3));
    for (;;) {
        {
            std::unique_lock lock(m);
            if (all_done.wait_for(lock, renew_every, [&] { return pending == 0; })) break;
        }
        try {
            const std::int64_t until = std::time(nullptr) + opts_.lease_seconds;
            store_.write([&](store::Tx& tx) { tx.renew_leases(owner, until); },
                         store::Durability::Process);
        } catch (const std::exception& e) {
            spdlog::warn("outbox: cannot renew the lease of {}: {}", owner, e.what());
        }
    }

    const std::int64_t done_at = std::time(nullptr);
    store_.write(
        [&](store::Tx& tx) {
            for (auto& s : slots) {
                const auto& job = s.item.job;
                store::OutboxOutcome out;
                out.attempts = job.attempts + 1;
                out.message_id = job.message_id;
                if (!s.obsolete.empty()) {
                    out.state = "superseded";
                    out.last_error = s.obsolete;
                    tx.finish_outbox(job.id, owner, out);
                    continue;
                }
                const DeliveryOutcome& o = *s.outcome;
                const std::string reply = reply_text(o);
                std::string invitee_state;
                if (o.status == Status::Sent) {
                    out.state = "sent";
                    out.sent_at = done_at;
                    invitee_state = "sent";
                } else if (o.status == Status::Deferred &&
                           done_at - job.created_at < opts_.give_up_after) {
                    out.state = "queued";
                    const std::int64_t wait =
                        std::min(opts_.retry_max,
                                 opts_.retry_base << std::min<std::int64_t>(job.attempts, 20));
                    out.next_attempt_at = done_at + wait;
                    out.last_error = reply;
                } else {
                    out.state = "failed";
                    out.last_error =
                        o.status == Status::Deferred
                            ? fmt::format("gave up after {} attempts: {}", out.attempts, reply)
                            : reply;
                    invitee_state = "failed";
                }
                // A retry must send the same bytes: keep the rendered message for it. A
                // message that left (or never will) needs no copy: writing 3 KB per
                // invitation into the outbox was a good part of the delivery's cost.
                if (out.state == "queued" && job.message.empty()) out.message = s.item.message;
                if (!tx.finish_outbox(job.id, owner, out)) {
                    // Our lease ran out and another worker took the job over: its record
                    // stands (the commit mark kept us from sending a second copy).
                    spdlog::warn("outbox {}: taken over by another worker; outcome dropped: {}",
                                 job.id, reply);
                    continue;
                }
                if (o.status == Status::Sent) transport_.on_sent(tx, s.item, done_at);
                if (o.status == Status::Failed && address_is_dead(o))
                    tx.put_suppression(job.rcpt, "", "bounced", reply, done_at);
                tx.record_attempt(job.id,
                                  store::DeliveryAttempt{done_at,
                                                         o.status == Status::Sent ? "sent"
                                                         : out.state == "queued"  ? "deferred"
                                                                                  : "failed",
                                                         reply});
                if (job.invitee_id && !invitee_state.empty())
                    tx.set_invitee_delivery(*job.invitee_id, invitee_state, out.last_error,
                                            out.sent_at);
            }
        },
        store::Durability::Process);
    pace(slots.size());
    return true;
}

void OutboxWorker::mark_committing(std::int64_t id, const std::string& owner,
                                   Transport::Proceed proceed) {
    auto marked = std::make_shared<bool>(false);
    store::WriteJob job;
    job.work = [id, owner, marked](store::Tx& tx) {
        *marked = tx.mark_committing(id, owner);
        if (!*marked) spdlog::warn("outbox {}: lease lost before the final dot; not sent", id);
    };
    job.on_error = [id](store::Tx&, const std::exception& e) {
        spdlog::error("outbox {}: cannot record the commit point: {}", id, e.what());
    };
    // Not recorded: better not to send than to send twice (the job is retried later).
    job.done = [marked, proceed = std::move(proceed)](bool committed) {
        proceed(committed && *marked);
    };
    marks_->submit(std::move(job));
}

void OutboxWorker::pace(std::size_t delivered) {
    if (opts_.pace <= 0) return;
    // Each thread keeps its share of the pace.
    const double share = opts_.pace / static_cast<double>(std::max<std::size_t>(1, opts_.threads));
    const auto pause = std::chrono::duration<double>(static_cast<double>(delivered) / share);
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, pause, [&] { return stopping_; });
}

}  // namespace cis::services
