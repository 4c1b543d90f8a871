// understudy: generateRounds, added to node-llama-cpp's addon by engine/patch-node-llama-cpp.mjs.
//
// Decode rounds run natively. node-llama-cpp's own token loop crosses into JavaScript twice per
// token (a thread-pool job to decode, another to sample) and each crossing costs more than a
// GPU decode of a small model. Here each round feeds every running stream its pending tokens in
// one batch (at first the rest of its prompt, then its last sampled token), samples each stream's
// next token with its own node-llama-cpp sampler (the same sampling code as sampleToken), and
// ends a stream at an end-of-generation token, at one of its stop strings, or at its token limit.
// A stream whose pending tokens do not fit in what is left of the context's batch size waits for
// the next round. A call returns once `budgetMs`
// has passed, or when every stream has ended; JavaScript then records the fed tokens in
// node-llama-cpp's sequence state (engine/native-rounds.ts).
//
// Every call of a context runs on that context's own thread. A call queued on libuv's thread pool
// lands on whichever pool thread is free, and llama.cpp decodes far slower when the thread that
// calls it keeps changing: on 2 CPU cores, 57 tokens/s against 98 with a pool of one thread
// (docs/benchmarks.md); the GPU build gained too (614 against 544 tokens/s on an H100). That thread
// also gives the context a lasting CPU thread pool, as llama-bench does, where llama.cpp would
// otherwise start and join its CPU threads in every decode.
//
// generateRounds(streams, budgetMs) -> Promise<{ rounds, streamRounds, idRuns, ms, error, streams }>
//   (streamRounds: the streams fed in each round, summed over the rounds)
//   streams[i]: { sequenceId, position (of the first pending token), tokens (pending, at most the
//   context's batch size), sampler, maxTokens, stop: string[] }
//   result streams[i]: { tokens: Uint32Array (sampled, end-of-generation excluded), fed (tokens
//   added to the KV cache), end (0 running, 1 end of generation, 2 stop string, 3 token limit),
//   firstMs (ms from the call's start to its first sampled token, -1 if none) }
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include "ggml-backend.h"
#include "ggml-cpu.h"
#include "llama.h"
#include "napi.h"
#include "AddonContext.h"
#include "AddonSampler.h"

namespace {

/** One context's decode thread: runs one task at a time for the caller, who waits for it. */
class RoundsThread {
    public:
        RoundsThread() : thread([this]() { loop(); }) {}
        // Runs after the context's llama_free (AddonContext's members outlive its dispose).
        ~RoundsThread() {
            {
                std::lock_guard<std::mutex> lock(mutex);
                stopping = true;
            }
            wake.notify_all();
            thread.join();
            if (pool != nullptr) freePool(pool);
        }

        /** Attaches a CPU thread pool of the context's thread count (again when that changes). */
        void attachPool(llama_context* ctx) {
            const int threads = llama_n_threads(ctx);
            if (pool != nullptr && poolThreads == threads) return;
            ggml_backend_dev_t cpu = ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_CPU);
            if (cpu == nullptr) return;
            ggml_backend_reg_t reg = ggml_backend_dev_backend_reg(cpu);
            auto* newPool = (decltype(ggml_threadpool_new)*)ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_new");
            freePool = (decltype(ggml_threadpool_free)*)ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_free");
            if (newPool == nullptr || freePool == nullptr) return;
            ggml_threadpool_params params;
            ggml_threadpool_params_init(&params, threads);
            ggml_threadpool* next = newPool(&params);
            if (next == nullptr) return;
            llama_attach_threadpool(ctx, next, next);
            if (pool != nullptr) freePool(pool);
            pool = next;
            poolThreads = threads;
        }

        void run(std::function<void()> work) {
            std::unique_lock<std::mutex> lock(mutex);
            task = std::move(work);
            done = false;
            wake.notify_all();
            wake.wait(lock, [this]() { return done; });
        }

    private:
        std::mutex mutex;
        std::condition_variable wake;
        std::function<void()> task;
        bool done = false;
        bool stopping = false;
        ggml_threadpool* pool = nullptr;
        int poolThreads = 0;
        decltype(ggml_threadpool_free)* freePool = nullptr;
        std::thread thread;

        void loop() {
            std::unique_lock<std::mutex> lock(mutex);
            while (true) {
                wake.wait(lock, [this]() { return stopping || task != nullptr; });
                if (stopping) return;
                auto work = std::move(task);
                task = nullptr;
                lock.unlock();
                work();
                lock.lock();
                done = true;
                wake.notify_all();
            }
        }
};

struct Stream {
    llama_seq_id sequenceId;
    llama_pos position;   // where the first pending token goes
    std::vector<llama_token> pending;  // to feed in the next round (not in the KV cache yet)
    AddonSampler* sampler;
    int32_t maxTokens;
    std::vector<std::string> stops;
    size_t longestStop = 0;
    std::string tail;     // the text of the last tokens, where a stop string would appear
    std::vector<llama_token> out;
    int32_t fed = 0;
    int32_t end = 0;
    double firstMs = -1;

    bool stopped() {
        for (const auto& stop : stops) {
            if (tail.find(stop) != std::string::npos) return true;
        }
        // Keep enough text for a stop string that spans several tokens.
        if (tail.size() > 4 * (longestStop + 16)) tail.erase(0, tail.size() - 2 * (longestStop + 16));
        return false;
    }
};

class GenerateRoundsWorker : public Napi::AsyncWorker {
    public:
        GenerateRoundsWorker(const Napi::CallbackInfo& info, AddonContext* ctx)
            : Napi::AsyncWorker(info.Env(), "AddonContextGenerateRoundsWorker"),
              ctx(ctx),
              deferred(Napi::Promise::Deferred::New(info.Env())) {
            ctx->Ref();
            const auto list = info[0].As<Napi::Array>();
            for (uint32_t i = 0; i < list.Length(); i++) {
                const auto item = list.Get(i).As<Napi::Object>();
                Stream s;
                s.sequenceId = item.Get("sequenceId").As<Napi::Number>().Int32Value();
                s.position = item.Get("position").As<Napi::Number>().Int32Value();
                const auto tokens = item.Get("tokens").As<Napi::Array>();
                for (uint32_t j = 0; j < tokens.Length(); j++) s.pending.push_back(tokens.Get(j).As<Napi::Number>().Int32Value());
                s.sampler = Napi::ObjectWrap<AddonSampler>::Unwrap(item.Get("sampler").As<Napi::Object>());
                s.sampler->Ref();
                s.maxTokens = item.Get("maxTokens").As<Napi::Number>().Int32Value();
                const auto stops = item.Get("stop").As<Napi::Array>();
                for (uint32_t j = 0; j < stops.Length(); j++) {
                    s.stops.push_back(stops.Get(j).As<Napi::String>().Utf8Value());
                    s.longestStop = std::max(s.longestStop, s.stops.back().size());
                }
                streams.push_back(std::move(s));
            }
            budgetMs = info[1].As<Napi::Number>().DoubleValue();
        }
        ~GenerateRoundsWorker() {
            ctx->Unref();
            for (auto& s : streams) s.sampler->Unref();
        }

        Napi::Promise GetPromise() {
            return deferred.Promise();
        }

    protected:
        AddonContext* ctx;
        Napi::Promise::Deferred deferred;
        std::vector<Stream> streams;
        double budgetMs = 0;
        int32_t rounds = 0;
        int32_t streamRounds = 0;
        int32_t idRuns = 0;
        double ms = 0;
        std::string error;

        // Runs on a libuv pool thread, which hands the rounds to the context's own thread.
        void Execute() {
            auto thread = std::static_pointer_cast<RoundsThread>(ctx->roundsThread);
            thread->run([this, &thread]() {
                if (!ctx->disposed) thread->attachPool(ctx->ctx);
                Rounds();
            });
        }

        void Rounds() {
            if (ctx->disposed) {
                error = "Context is disposed";
                return;
            }
            const auto start = std::chrono::steady_clock::now();
            const auto elapsedMs = [&]() {
                return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
            };
            const llama_vocab* vocab = llama_model_get_vocab(llama_get_model(ctx->ctx));
            const int32_t batchSize = (int32_t)llama_n_batch(ctx->ctx);
            llama_batch batch = llama_batch_init(batchSize, 0, 1);
            std::vector<size_t> running;
            std::vector<int32_t> sampleAt;  // each running stream's last token in the batch
            char piece[256];
            try {
                while (error.empty()) {
                    running.clear();
                    sampleAt.clear();
                    batch.n_tokens = 0;
                    bool waiting = false;
                    for (size_t i = 0; i < streams.size(); i++) {
                        const auto& s = streams[i];
                        if (s.end != 0) continue;
                        if (batch.n_tokens + (int32_t)s.pending.size() > batchSize) {
                            waiting = true;
                            continue;
                        }
                        if (running.empty() || streams[running.back()].sequenceId + 1 != s.sequenceId) idRuns++;
                        for (size_t j = 0; j < s.pending.size(); j++) {
                            const int32_t k = batch.n_tokens++;
                            batch.token[k] = s.pending[j];
                            batch.pos[k] = s.position + (llama_pos)j;
                            batch.n_seq_id[k] = 1;
                            batch.seq_id[k][0] = s.sequenceId;
                            batch.logits[k] = j + 1 == s.pending.size();
                        }
                        running.push_back(i);
                        sampleAt.push_back(batch.n_tokens - 1);
                    }
                    if (running.empty()) {
                        if (waiting) error = "a stream's pending tokens exceed the context's batch size";
                        break;
                    }

                    const int r = llama_decode(ctx->ctx, batch);
                    if (r != 0) {
                        error = r == 1
                            ? "could not find a KV slot for the batch (try reducing the size of the batch or increase the context)"
                            : "Eval has failed";
                        break;
                    }
                    llama_synchronize(ctx->ctx);
                    rounds++;
                    streamRounds += (int32_t)running.size();

                    for (size_t k = 0; k < running.size(); k++) {
                        auto& s = streams[running[k]];
                        s.position += (llama_pos)s.pending.size();
                        s.fed += (int32_t)s.pending.size();
                        s.sampler->rebuildChainIfNeeded();
                        llama_token_data_array candidates;
                        std::unique_lock<std::mutex> lock(ctx->sharedSamplerData.mutex);
                        s.sampler->sampleAndReleaseLock(ctx->sharedSamplerData.mutex, lock, ctx->ctx, sampleAt[k], candidates, false);
                        if (candidates.size == 0 || candidates.selected < 0 || candidates.selected >= (int64_t)candidates.size) {
                            error = "Failed to sample next token";
                            break;
                        }
                        const llama_token token = candidates.data[candidates.selected].id;
                        s.sampler->acceptToken(token);
                        if (s.firstMs < 0) s.firstMs = elapsedMs();
                        if (llama_vocab_is_eog(vocab, token)) {
                            s.end = 1;
                            continue;
                        }
                        s.out.push_back(token);
                        s.pending.assign(1, token);
                        const int n = llama_token_to_piece(vocab, token, piece, sizeof(piece), 0, false);
                        if (n > 0) s.tail.append(piece, n);
                        if (s.stopped()) s.end = 2;
                        else if ((int32_t)s.out.size() >= s.maxTokens) s.end = 3;
                    }
                    if (elapsedMs() >= budgetMs) break;
                }
            } catch (const std::exception& e) {
                error = e.what();
            } catch (...) {
                error = "Unknown error in generateRounds";
            }
            llama_batch_free(batch);
            ms = elapsedMs();
        }

        // Resolves even after an error: the tokens fed before it are in the KV cache, and
        // JavaScript must record them before it fails the streams.
        void OnOK() {
            const auto env = Env();
            auto result = Napi::Object::New(env);
            result.Set("rounds", Napi::Number::New(env, rounds));
            result.Set("streamRounds", Napi::Number::New(env, streamRounds));
            result.Set("idRuns", Napi::Number::New(env, idRuns));
            result.Set("ms", Napi::Number::New(env, ms));
            result.Set("error", error.empty() ? env.Null() : Napi::String::New(env, error));
            auto list = Napi::Array::New(env, streams.size());
            for (size_t i = 0; i < streams.size(); i++) {
                const auto& s = streams[i];
                auto tokens = Napi::Uint32Array::New(env, s.out.size());
                for (size_t j = 0; j < s.out.size(); j++) tokens[j] = (uint32_t)s.out[j];
                auto item = Napi::Object::New(env);
                item.Set("tokens", tokens);
                item.Set("fed", Napi::Number::New(env, s.fed));
                item.Set("end", Napi::Number::New(env, s.end));
                item.Set("firstMs", Napi::Number::New(env, s.firstMs));
                list.Set((uint32_t)i, item);
            }
            result.Set("streams", list);
            deferred.Resolve(result);
        }
        void OnError(const Napi::Error& err) {
            deferred.Reject(err.Value());
        }
};

}  // namespace

Napi::Value AddonContext::GenerateRounds(const Napi::CallbackInfo& info) {
    if (disposed) {
        Napi::Error::New(info.Env(), "Context is disposed").ThrowAsJavaScriptException();
        return info.Env().Undefined();
    }
    const auto list = info[0].As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); i++) {
        if (list.Get(i).As<Napi::Object>().Get("tokens").As<Napi::Array>().Length() == 0) {
            Napi::Error::New(info.Env(), "generateRounds: a stream has no pending tokens").ThrowAsJavaScriptException();
            return info.Env().Undefined();
        }
    }
    if (!roundsThread) roundsThread = std::make_shared<RoundsThread>();
    auto* worker = new GenerateRoundsWorker(info, this);
    worker->Queue();
    return worker->GetPromise();
}
