// Replay driver for libFuzzer targets in ordinary builds: runs every seed file, then bounded
// seeded mutations of them (bit flips, truncation, splices, random bytes), so every `make test`
// exercises the hostile-input paths. Deterministic: the seed is fixed, failures reproduce.
// Usage: fuzz_X CORPUS_DIR [ITERATIONS]
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

std::vector<uint8_t> readFile(const std::filesystem::path &path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<uint8_t> mutate(std::vector<uint8_t> input, const std::vector<std::vector<uint8_t>> &seeds,
                            std::mt19937_64 &rng)
{
    const int kind = int(rng() % 6);
    if (input.empty() || kind == 0) {
        std::vector<uint8_t> random(rng() % 512);
        for (auto &b : random) {
            b = uint8_t(rng());
        }
        return random;
    }
    switch (kind) {
    case 1: // flip bits
        for (int i = 0, n = 1 + int(rng() % 8); i < n; ++i) {
            input[rng() % input.size()] ^= uint8_t(1u << (rng() % 8));
        }
        break;
    case 2: // truncate
        input.resize(rng() % input.size());
        break;
    case 3: { // splice with another seed
        const auto &other = seeds[rng() % seeds.size()];
        if (!other.empty()) {
            const size_t cut = rng() % input.size();
            input.resize(cut);
            const size_t from = rng() % other.size();
            input.insert(input.end(), other.begin() + std::ptrdiff_t(from), other.end());
        }
        break;
    }
    case 4: // interesting bytes
        for (int i = 0, n = 1 + int(rng() % 4); i < n; ++i) {
            static const uint8_t interesting[] = {0x00, 0xff, 0x7f, 0x80, '"', '{', '}', '[', ']', ':', ','};
            input[rng() % input.size()] = interesting[rng() % sizeof(interesting)];
        }
        break;
    default: { // duplicate a range
        const size_t a = rng() % input.size();
        const size_t len = std::min<size_t>(input.size() - a, rng() % 64 + 1);
        std::vector<uint8_t> chunk(input.begin() + std::ptrdiff_t(a),
                                   input.begin() + std::ptrdiff_t(a + len));
        input.insert(input.begin() + std::ptrdiff_t(rng() % input.size()), chunk.begin(), chunk.end());
        break;
    }
    }
    return input;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR [ITERATIONS]\n", argv[0]);
        return 2;
    }
    const long iterations = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 10000;
    std::vector<std::vector<uint8_t>> seeds;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(argv[1], ec)) {
        if (entry.is_regular_file()) {
            seeds.push_back(readFile(entry.path()));
            LLVMFuzzerTestOneInput(seeds.back().data(), seeds.back().size());
        }
    }
    if (ec || seeds.empty()) {
        std::fprintf(stderr, "no seed corpus in %s\n", argv[1]);
        return 1;
    }
    std::mt19937_64 rng(0xacce1e7a7e);
    for (long i = 0; i < iterations; ++i) {
        const auto input = mutate(seeds[rng() % seeds.size()], seeds, rng);
        LLVMFuzzerTestOneInput(input.data(), input.size());
    }
    std::printf("%zu seeds, %ld mutations: no crash\n", seeds.size(), iterations);
    return 0;
}
