// senderCertificateAttributesToDisplay is shared with the Outlook add-in's status bar.
export { senderAttributes, type SenderAttribute } from '../../shared/smime/sender-attributes';
