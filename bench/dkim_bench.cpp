// DKIM signing of outgoing mail (issue 3: ≥ 2 000 RSA-2048-signed invitations/s end to end
// on 2 cores). BM_DkimSign is what the outbox worker pays per message; the others are its
// parts, for comparison: parsing the PEM key, and one bare RSA-2048 (or Ed25519) signature.
//
//   build/bench/dkim_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "dkim/dkim.hpp"

namespace {

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

PKey generate(const char* type) {
    EVP_PKEY* key =
        std::string(type) == "RSA" ? EVP_RSA_gen(2048) : EVP_PKEY_Q_keygen(nullptr, nullptr, type);
    if (!key) throw std::runtime_error("key generation failed");
    return PKey(key, EVP_PKEY_free);
}

std::string pem(EVP_PKEY* key) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

const std::string& rsa_pem() {
    static const std::string key = pem(generate("RSA").get());
    return key;
}

const std::string& ed25519_pem() {
    static const std::string key = pem(generate("ED25519").get());
    return key;
}

// An invitation as the outbox worker signs it: CIS's headers, a text part and a calendar
// part, padded with description lines to `size` bytes.
std::string invitation(std::size_t size) {
    std::string m =
        "From: \"Jürgen Müller via CIS\" <rsvp@cis.example.org>\r\n"
        "Reply-To: rsvp@cis.example.org\r\n"
        "To: \"Ana María Pérez\" <person17@example.com>\r\n"
        "Subject: =?UTF-8?Q?Einladung:_W=C3=B6chentliche_Chorprobe?=\r\n"
        "Date: Fri, 01 Mar 2024 09:00:00 +0000\r\n"
        "Message-ID: <ev-bench.2.17@cis.example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        "List-Unsubscribe: <https://cis.example.org/unsubscribe/134623>,\r\n"
        " <mailto:unsubscribe+134623@cis.example.org>\r\n"
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
        "Content-Type: multipart/alternative; boundary=\"=_cis_0123456789abcdef\"\r\n"
        "\r\n"
        "--=_cis_0123456789abcdef\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        "Jürgen Müller invites you to Wöchentliche Chorprobe.\r\n\r\n"
        "--=_cis_0123456789abcdef\r\n"
        "Content-Type: text/calendar; charset=utf-8; method=REQUEST\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        "BEGIN:VCALENDAR\r\nPRODID:-//CIS//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n"
        "BEGIN:VEVENT\r\nUID:0f3c2a9e@cis.example.org\r\nSEQUENCE:2\r\n"
        "DTSTART;TZID=Europe/Berlin:20240319T180000\r\n";
    const std::string tail = "END:VEVENT\r\nEND:VCALENDAR\r\n\r\n--=_cis_0123456789abcdef--\r\n";
    while (m.size() + tail.size() < size)
        m += "DESCRIPTION:Bitte pünktlich sein; Noten mitbringen\\, danke!\r\n";
    return m + tail;
}

// What the outbox worker pays per message; range(0) is the message size in bytes.
void BM_DkimSign(benchmark::State& state) {
    const cis::dkim::Signer signer(cis::dkim::SignerOptions{
        .domain = "cis.example.org", .selector = "s2024", .private_key_pem = rsa_pem()});
    const std::string message = invitation(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(signer.signature_header(message));
    state.SetItemsProcessed(state.iterations());
    state.counters["msg_bytes"] = static_cast<double>(message.size());
}
BENCHMARK(BM_DkimSign)->Arg(3500)->Arg(12000)->Unit(benchmark::kMicrosecond);

// One Signer shared by two threads (the machine has two cores).
void BM_DkimSignShared(benchmark::State& state) {
    static const cis::dkim::Signer signer(cis::dkim::SignerOptions{
        .domain = "cis.example.org", .selector = "s2024", .private_key_pem = rsa_pem()});
    const std::string message = invitation(3500);
    for (auto _ : state) benchmark::DoNotOptimize(signer.signature_header(message));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DkimSignShared)->Threads(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

// The same with an Ed25519 key (RFC 8463), when the signer supports it.
void BM_DkimSignEd25519(benchmark::State& state) {
    std::unique_ptr<cis::dkim::Signer> signer;
    try {
        signer = std::make_unique<cis::dkim::Signer>(cis::dkim::SignerOptions{
            .domain = "cis.example.org", .selector = "s2024", .private_key_pem = ed25519_pem()});
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
        return;
    }
    const std::string message = invitation(3500);
    for (auto _ : state) benchmark::DoNotOptimize(signer->signature_header(message));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DkimSignEd25519)->Unit(benchmark::kMicrosecond);

// Parsing the PEM key (what libopendkim's dkim_sign does for every message).
void BM_PemKeyParse(benchmark::State& state) {
    const std::string& key = rsa_pem();
    for (auto _ : state) {
        BIO* bio = BIO_new_mem_buf(key.data(), static_cast<int>(key.size()));
        EVP_PKEY* parsed = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
        if (!parsed) state.SkipWithError("PEM parse failed");
        EVP_PKEY_free(parsed);
        BIO_free(bio);
    }
}
BENCHMARK(BM_PemKeyParse)->Unit(benchmark::kMicrosecond);

// One bare signature over 64 bytes with an already parsed key: the floor.
void BM_BareSignature(benchmark::State& state, const char* type) {
    const PKey key = generate(type);
    const bool rsa = std::string(type) == "RSA";
    const unsigned char data[64] = {};
    unsigned char sig[512];
    for (auto _ : state) {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        std::size_t len = sizeof sig;
        if (EVP_DigestSignInit_ex(ctx, nullptr, rsa ? "SHA256" : nullptr, nullptr, nullptr,
                                  key.get(), nullptr) != 1 ||
            EVP_DigestSign(ctx, sig, &len, data, sizeof data) != 1)
            state.SkipWithError("signing failed");
        EVP_MD_CTX_free(ctx);
    }
}
BENCHMARK_CAPTURE(BM_BareSignature, rsa2048, "RSA")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_BareSignature, ed25519, "ED25519")->Unit(benchmark::kMicrosecond);

}  // namespace
BENCHMARK_MAIN();
