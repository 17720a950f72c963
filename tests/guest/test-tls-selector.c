/*
 * test-tls-selector.c - the %gs selector glibc gets from set_thread_area,
 * and TLS through it.  On an x86-64 host kernel a 32-bit process gets GDT
 * entry 12 (selector 0x63); xlat must give the same, since the native run
 * is the oracle.
 */
#include <stdio.h>

static __thread int tls_value = 41;

int main(void)
{
    unsigned short gs, fs, cs, ds;
    __asm__ volatile("mov %%gs, %0" : "=r"(gs));
    __asm__ volatile("mov %%fs, %0" : "=r"(fs));
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    __asm__ volatile("mov %%ds, %0" : "=r"(ds));
    tls_value++;
    /* the TCB's self pointer at %gs:0 must point at the TCB itself */
    unsigned self, self_via_gs;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(self));
    __asm__ volatile("mov %%gs:(%1), %0" : "=r"(self_via_gs) : "r"(0));
    printf("gs=%#x fs=%#x cs=%#x ds=%#x tls=%d self=%d\n", gs, fs, cs, ds, tls_value,
           self == self_via_gs && self != 0);
    return 0;
}
