#include <pcap/pcap.h>
/* __fsetlocking: the capture file's stream is read by libpcap on one thread only. */
#include <stdio_ext.h>
