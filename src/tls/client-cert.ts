// Client certificates from the cluster CA: the identity kube-apiserver's x509 authenticator reads (CN user, O groups).
import { extendedKeyUsage, extendedKeyUsages } from './certificate-builder.js';
import { issueLeafCertificate, type IssuedCertificate } from './leaf-certificate.js';

export interface ClientIdentity {
  /** The username: the certificate's CommonName. */
  user: string;
  /** The groups: one Organization each, in order. */
  groups?: readonly string[];
}

/** A fresh key and a certificate (CN=user, O=each group, ExtKeyUsage clientAuth) signed by the cluster CA. */
export function issueClientCertificate({ user, groups = [] }: ClientIdentity): Promise<IssuedCertificate> {
  if (typeof user !== 'string' || user === '') return Promise.reject(new Error('issueClientCertificate(): user must be a non-empty string'));
  for (const group of groups) {
    if (typeof group !== 'string' || group === '') return Promise.reject(new Error('issueClientCertificate(): groups must be non-empty strings'));
  }
  // Organizations before the CommonName, in the order Go's pkix.Name writes them (as kubeadm's certificates have it).
  return issueLeafCertificate([...groups.map((group) => ({ O: [group] })), { CN: [user] }], [extendedKeyUsage(extendedKeyUsages.clientAuth)]);
}
