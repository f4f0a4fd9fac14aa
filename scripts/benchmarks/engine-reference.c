/* Reference for scripts/benchmarks/engine.sh: drives SpanDSP exactly as Pagewire's FaxSession
 * does (sender + receiver in one process, 20 ms steps, V.17/V.29/V.27ter, ECM, T.4/T.6, PCMU
 * round trip for audio, paced T.38 version 0), so the ratio shows the cost of the Swift layer.
 *
 *   engine-reference audio|t38 CALLS TIFF  ->  cpu_ms=<n> call_seconds=<n>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <tiffio.h>
#include <spandsp.h>

typedef struct { uint8_t buf[32][512]; int len[32]; uint16_t seq[32]; int n; uint16_t next; } queue_t;
typedef struct { int done; int ok; } side_t;

static void phase_e(t30_state_t *s, void *user, int code) {
    side_t *side = user;
    side->done = 1;
    side->ok = code == T30_ERR_OK;
}
static int phase_b(t30_state_t *s, void *user, int r) { return T30_ERR_OK; }
static int phase_d(t30_state_t *s, void *user, int r) { return T30_ERR_OK; }

static int tx_packet(t38_core_state_t *s, void *user, const uint8_t *buf, int len, int count) {
    queue_t *q = user;
    if (q->n < 32 && len <= 512) {
        memcpy(q->buf[q->n], buf, len);
        q->len[q->n] = len;
        q->seq[q->n] = q->next++;
        q->n++;
    }
    return 0;
}

static void setup(t30_state_t *t30, side_t *side, int sending, const char *file, const char *ident) {
    t30_set_tx_ident(t30, ident);
    t30_set_supported_modems(t30, T30_SUPPORT_V27TER | T30_SUPPORT_V29 | T30_SUPPORT_V17);
    t30_set_ecm_capability(t30, 1);
    t30_set_supported_compressions(t30, T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION | T30_SUPPORT_T6_COMPRESSION);
    if (sending) {
        t30_set_tx_file(t30, file, -1, -1);
    } else {
        t30_set_rx_file(t30, file, -1);
        t30_set_rx_encoding(t30, T4_COMPRESSION_ITU_T6);
    }
    t30_set_phase_b_handler(t30, phase_b, side);
    t30_set_phase_d_handler(t30, phase_d, side);
    t30_set_phase_e_handler(t30, phase_e, side);
}

static double cpu_ms(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
}

static void pcmu(int16_t *samples, int n) {
    for (int i = 0; i < n; i++) samples[i] = ulaw_to_linear(linear_to_ulaw(samples[i]));
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s audio|t38 CALLS TIFF\n", argv[0]); return 64; }
    int t38 = strcmp(argv[1], "t38") == 0;
    int calls = atoi(argv[2]);
    char rx[256];
    long ticks = 0;
    double start = cpu_ms();
    for (int call = 0; call < calls; call++) {
        side_t a = {0}, b = {0};
        snprintf(rx, sizeof rx, "/tmp/pagewire-bench-c-%d.tif", (int) getpid());
        long n = 0;
        if (!t38) {
            fax_state_t *tx = fax_init(NULL, 1), *rcv = fax_init(NULL, 0);
            fax_set_transmit_on_idle(tx, 1);
            fax_set_transmit_on_idle(rcv, 1);
            setup(fax_get_t30_state(tx), &a, 1, argv[3], "bench-tx");
            setup(fax_get_t30_state(rcv), &b, 0, rx, "bench-rx");
            int16_t out_a[160], out_b[160];
            while (!(a.done && b.done) && n < 30000) {
                int k = fax_tx(tx, out_a, 160);
                if (k < 160) memset(out_a + k, 0, (160 - k) * sizeof(int16_t));
                k = fax_tx(rcv, out_b, 160);
                if (k < 160) memset(out_b + k, 0, (160 - k) * sizeof(int16_t));
                pcmu(out_a, 160);
                pcmu(out_b, 160);
                fax_rx(tx, out_b, 160);
                fax_rx(rcv, out_a, 160);
                n++;
            }
            fax_free(tx);
            fax_free(rcv);
        } else {
            static queue_t qa, qb;
            memset(&qa, 0, sizeof qa);
            memset(&qb, 0, sizeof qb);
            t38_terminal_state_t *tx = t38_terminal_init(NULL, 1, tx_packet, &qa);
            t38_terminal_state_t *rcv = t38_terminal_init(NULL, 0, tx_packet, &qb);
            t38_set_t38_version(t38_terminal_get_t38_core_state(tx), 0);
            t38_set_t38_version(t38_terminal_get_t38_core_state(rcv), 0);
            t38_set_fastest_image_data_rate(t38_terminal_get_t38_core_state(tx), 14400);
            t38_set_fastest_image_data_rate(t38_terminal_get_t38_core_state(rcv), 14400);
            t38_terminal_set_config(tx, 0);
            t38_terminal_set_config(rcv, 0);
            setup(t38_terminal_get_t30_state(tx), &a, 1, argv[3], "bench-tx");
            setup(t38_terminal_get_t30_state(rcv), &b, 0, rx, "bench-rx");
            static queue_t pa, pb;
            while (!(a.done && b.done) && n < 30000) {
                t38_terminal_send_timeout(tx, 160);
                pa = qa; qa.n = 0;
                t38_terminal_send_timeout(rcv, 160);
                pb = qb; qb.n = 0;
                for (int i = 0; i < pa.n; i++) t38_core_rx_ifp_packet(t38_terminal_get_t38_core_state(rcv), pa.buf[i], pa.len[i], pa.seq[i]);
                for (int i = 0; i < pb.n; i++) t38_core_rx_ifp_packet(t38_terminal_get_t38_core_state(tx), pb.buf[i], pb.len[i], pb.seq[i]);
                n++;
            }
            t38_terminal_free(tx);
            t38_terminal_free(rcv);
        }
        if (!a.ok) { fprintf(stderr, "call %d failed\n", call); return 1; }
        unlink(rx);
        ticks += n;
    }
    printf("cpu_ms=%.1f call_seconds=%.2f\n", cpu_ms() - start, ticks / 50.0);
    return 0;
}
