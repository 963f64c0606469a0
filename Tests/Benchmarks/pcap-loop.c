/*
 * The floor for `make bench`: a plain libpcap read loop that touches every captured byte.
 * Usage: pcap-loop FILE   prints "packets bytes checksum" on one line.
 * Built by Tests/Tools/bench.py with: cc -O2 -o .build/bench/pcap-loop pcap-loop.c -lpcap
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: pcap-loop FILE\n");
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pcap = pcap_open_offline(argv[1], errbuf);
    if (pcap == NULL) {
        fprintf(stderr, "pcap-loop: %s\n", errbuf);
        return 1;
    }
    struct pcap_pkthdr *header;
    const u_char *data;
    uint64_t packets = 0, bytes = 0, checksum = 0;
    int status;
    while ((status = pcap_next_ex(pcap, &header, &data)) == 1) {
        packets++;
        bytes += header->caplen;
        for (bpf_u_int32 i = 0; i < header->caplen; i++) checksum += data[i];
    }
    if (status == PCAP_ERROR) fprintf(stderr, "pcap-loop: %s\n", pcap_geterr(pcap));
    pcap_close(pcap);
    printf("%llu %llu %llu\n", (unsigned long long)packets, (unsigned long long)bytes,
           (unsigned long long)checksum);
    return status == PCAP_ERROR ? 1 : 0;
}
