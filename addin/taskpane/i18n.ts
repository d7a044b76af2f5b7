/**
 * The add-in's strings in English and Spanish. The language is the one Office shows
 * (Office.context.displayLanguage), falling back to English; `{0}` style placeholders.
 * Error codes map to `error.<code>` keys; unknown codes fall back to the core's English message.
 */
const en = {
  'app.title': 'Sello S/MIME',
  'app.loading': 'Loading…',
  'app.hostUnsupported': 'This version of Outlook does not offer what Sello needs (Mailbox 1.8).',
  'read.heading': 'Secure message',
  'read.opening': 'Opening the message…',
  'read.notSmime': 'This message is neither signed nor encrypted with S/MIME.',
  'read.restricted':
    'Outlook reports this message as a "Restricted Item" and did not give Sello its encrypted content. Sello fetched it from the mailbox instead; if this message stays unreadable, open it in Outlook on the web with Sello, or ask your administrator whether the mailbox keeps S/MIME items intact.',
  'read.restrictedUnreadable':
    'Outlook reports this message as a "Restricted Item": its encrypted content is not available to add-ins here, and the mailbox did not return it either. Open it in Outlook on the web with Sello.',
  'read.remoteBlocked': 'Remote images and other remote content were not loaded.',
  'read.attachments': 'Attachments',
  'read.content': 'Message content',
  'status.label': 'Security status',
  'status.signedBy': 'Signed by {0}.',
  'status.signerAttributes': 'Certificate: {0}',
  'status.notSigned': 'Not signed.',
  'status.signatureInvalid': 'The signature of {0} is not valid: the message was changed or damaged.',
  'status.signedWeak': 'Signed by {0} with a weak algorithm ({1}); not counted as valid.',
  'status.trusted': 'The certificate is trusted (issued by {0}).',
  'status.notTrusted': 'The certificate is not trusted: {0}',
  'status.noAnchor': 'no trusted issuer is configured.',
  'status.fromMatches': 'The sender {0} matches the certificate.',
  'status.fromMismatch': 'The sender {0} does not match the certificate ({1}).',
  'status.coverageWhole': 'The signature covers the whole message.',
  'status.coveragePartial': 'Only part of the message is signed ({0}); unsigned: {1}.',
  'status.signedPartNotShown':
    'The signed part ({0}) is not displayed: nothing shown below is covered by the signature.',
  'status.encrypted': 'Encrypted ({0}, {1}).',
  'status.encryptedNotOpened': 'Encrypted, and none of your keys could open it.',
  'status.notEncrypted': 'Not encrypted.',
  'status.integrity': 'The encryption protects against changes.',
  'status.noIntegrity': 'Encrypted without a signature: changes to the message would not be detected.',
  'status.ignored': 'Another signature was not counted: {0}',
  'compose.heading': 'Sign / Encrypt',
  'compose.sign': 'Sign',
  'compose.encrypt': 'Encrypt',
  'compose.send': 'Send securely',
  'compose.sending': 'Sending…',
  'compose.uploading': 'Uploading {0}%…',
  'compose.sent': 'Sent. The Outlook draft has been discarded.',
  'compose.sentKeepDraft':
    'Sent. Outlook could not close the draft here: delete it yourself (it was not sent from Outlook).',
  'compose.draftKept': 'Nothing was sent. Your draft is unchanged in Outlook.',
  'compose.partlySent':
    'Sent to some recipients only: {0} did not get the message. Your draft is kept in Outlook; send it again to them.',
  'compose.policy': 'Your organisation requires messages to be signed or encrypted.',
  'compose.missingCert': 'No certificate for {0}: import it under Keys before encrypting.',
  'compose.noIdentity': 'Import your certificate and key (PKCS#12) before signing.',
  'compose.nothing': 'Choose Sign, Encrypt or both.',
  'keys.heading': 'Keys and certificates',
  'keys.importP12': 'Import my certificate and key (.p12, .pfx)',
  'keys.password': 'Password of the file',
  'keys.import': 'Import',
  'keys.imported': 'Imported {0}.',
  'keys.importCert': 'Import a certificate (recipient or trusted issuer)',
  'keys.asTrust': 'Trust as an issuer (CA)',
  'keys.none': 'No keys yet.',
  'signin.needed': 'Sign in to Microsoft 365 to send and read through the mailbox.',
  'signin.button': 'Sign in',
  'error.generic': 'Something went wrong: {0}',
  'error.host': 'Outlook reported a problem ({0}): {1}',
  'error.graph.unauthorized': 'Microsoft 365 did not accept the sign-in. Sign in again; your draft is kept.',
  'error.graph.throttled': 'Microsoft 365 is busy (throttling). Try again in a minute; your draft is kept.',
  'error.graph.server-error': 'Microsoft 365 had a server error. Try again; your draft is kept.',
  'error.graph.network': 'Microsoft 365 could not be reached. Check the connection; your draft is kept.',
  'error.pkcs12.wrong-password': 'The password of the file is not correct.',
  'error.keystore.soft-certificates-disabled':
    'Your organisation does not allow certificates stored in the browser (software certificates), so Sello cannot sign or decrypt here.',
  'error.smime.unavailable': 'This build of Sello cannot do that yet: {0}',
  'error.auth.refused': 'Microsoft 365 refused the sign-in ({0}). Try again.',
  'error.auth.cancelled': 'The sign-in was cancelled. Sign in to continue.',
  'error.auth.sign-in-required': 'Sign in to Microsoft 365 again.',
  'error.auth.dialog-failed': 'Outlook could not open the sign-in window ({0}).',
};

type Key = keyof typeof en;

const es: Record<Key, string> = {
  'app.title': 'Sello S/MIME',
  'app.loading': 'Cargando…',
  'app.hostUnsupported': 'Esta versión de Outlook no ofrece lo que Sello necesita (Mailbox 1.8).',
  'read.heading': 'Mensaje seguro',
  'read.opening': 'Abriendo el mensaje…',
  'read.notSmime': 'Este mensaje no está firmado ni cifrado con S/MIME.',
  'read.restricted':
    'Outlook indica que este mensaje es un «Elemento restringido» y no entregó a Sello su contenido cifrado. Sello lo obtuvo del buzón; si sigue sin poder leerse, ábralo en Outlook en la web con Sello o pregunte a su administrador si el buzón conserva intactos los elementos S/MIME.',
  'read.restrictedUnreadable':
    'Outlook indica que este mensaje es un «Elemento restringido»: su contenido cifrado no está disponible aquí para los complementos y el buzón tampoco lo devolvió. Ábralo en Outlook en la web con Sello.',
  'read.remoteBlocked': 'No se cargaron imágenes ni otro contenido remoto.',
  'read.attachments': 'Adjuntos',
  'read.content': 'Contenido del mensaje',
  'status.label': 'Estado de seguridad',
  'status.signedBy': 'Firmado por {0}.',
  'status.signerAttributes': 'Certificado: {0}',
  'status.notSigned': 'Sin firma.',
  'status.signatureInvalid': 'La firma de {0} no es válida: el mensaje se modificó o está dañado.',
  'status.signedWeak': 'Firmado por {0} con un algoritmo débil ({1}); no se considera válido.',
  'status.trusted': 'El certificado es de confianza (emitido por {0}).',
  'status.notTrusted': 'El certificado no es de confianza: {0}',
  'status.noAnchor': 'no hay ningún emisor de confianza configurado.',
  'status.fromMatches': 'El remitente {0} coincide con el certificado.',
  'status.fromMismatch': 'El remitente {0} no coincide con el certificado ({1}).',
  'status.coverageWhole': 'La firma cubre todo el mensaje.',
  'status.coveragePartial': 'Solo una parte del mensaje está firmada ({0}); sin firmar: {1}.',
  'status.signedPartNotShown':
    'La parte firmada ({0}) no se muestra: nada de lo que se ve abajo está cubierto por la firma.',
  'status.encrypted': 'Cifrado ({0}, {1}).',
  'status.encryptedNotOpened': 'Cifrado, y ninguna de sus claves ha podido abrirlo.',
  'status.notEncrypted': 'Sin cifrar.',
  'status.integrity': 'El cifrado protege contra modificaciones.',
  'status.noIntegrity': 'Cifrado sin firma: no se detectarían cambios en el mensaje.',
  'status.ignored': 'No se tuvo en cuenta otra firma: {0}',
  'compose.heading': 'Firmar / Cifrar',
  'compose.sign': 'Firmar',
  'compose.encrypt': 'Cifrar',
  'compose.send': 'Enviar de forma segura',
  'compose.sending': 'Enviando…',
  'compose.uploading': 'Subiendo {0} %…',
  'compose.sent': 'Enviado. Se ha descartado el borrador de Outlook.',
  'compose.sentKeepDraft':
    'Enviado. Outlook no pudo cerrar el borrador aquí: elimínelo usted (no se envió desde Outlook).',
  'compose.draftKept': 'No se envió nada. Su borrador sigue intacto en Outlook.',
  'compose.partlySent':
    'Enviado solo a parte de los destinatarios: {0} no recibió el mensaje. Su borrador se conserva en Outlook; vuelva a enviárselo.',
  'compose.policy': 'Su organización exige que los mensajes vayan firmados o cifrados.',
  'compose.missingCert': 'No hay certificado para {0}: impórtelo en Claves antes de cifrar.',
  'compose.noIdentity': 'Importe su certificado y clave (PKCS#12) antes de firmar.',
  'compose.nothing': 'Elija Firmar, Cifrar o ambos.',
  'keys.heading': 'Claves y certificados',
  'keys.importP12': 'Importar mi certificado y clave (.p12, .pfx)',
  'keys.password': 'Contraseña del archivo',
  'keys.import': 'Importar',
  'keys.imported': 'Importado: {0}.',
  'keys.importCert': 'Importar un certificado (destinatario o emisor de confianza)',
  'keys.asTrust': 'Confiar como emisor (CA)',
  'keys.none': 'Aún no hay claves.',
  'signin.needed': 'Inicie sesión en Microsoft 365 para enviar y leer a través del buzón.',
  'signin.button': 'Iniciar sesión',
  'error.generic': 'Algo salió mal: {0}',
  'error.host': 'Outlook informó de un problema ({0}): {1}',
  'error.graph.unauthorized':
    'Microsoft 365 no aceptó el inicio de sesión. Vuelva a iniciar sesión; su borrador se conserva.',
  'error.graph.throttled':
    'Microsoft 365 está ocupado (limitación). Inténtelo en un minuto; su borrador se conserva.',
  'error.graph.server-error':
    'Microsoft 365 tuvo un error del servidor. Inténtelo de nuevo; su borrador se conserva.',
  'error.graph.network':
    'No se pudo contactar con Microsoft 365. Compruebe la conexión; su borrador se conserva.',
  'error.pkcs12.wrong-password': 'La contraseña del archivo no es correcta.',
  'error.keystore.soft-certificates-disabled':
    'Su organización no permite certificados guardados en el navegador (certificados de software), por lo que Sello no puede firmar ni descifrar aquí.',
  'error.smime.unavailable': 'Esta versión de Sello aún no puede hacerlo: {0}',
  'error.auth.refused': 'Microsoft 365 rechazó el inicio de sesión ({0}). Inténtelo de nuevo.',
  'error.auth.cancelled': 'Se canceló el inicio de sesión. Inicie sesión para continuar.',
  'error.auth.sign-in-required': 'Vuelva a iniciar sesión en Microsoft 365.',
  'error.auth.dialog-failed': 'Outlook no pudo abrir la ventana de inicio de sesión ({0}).',
};

export type MessageKey = Key;
export type Language = 'en' | 'es';

const TABLES: Record<Language, Record<Key, string>> = { en, es };
let current: Language = 'en';

/** Office gives a BCP 47 tag such as 'es-ES' or 'en-US'. */
export function setLanguage(tag: string | undefined): Language {
  current = tag?.toLowerCase().startsWith('es') ? 'es' : 'en';
  return current;
}

export function language(): Language {
  return current;
}

export function t(key: MessageKey, ...subs: string[]): string {
  return TABLES[current][key].replace(/\{(\d)\}/g, (_, i: string) => subs[Number(i)] ?? '');
}

/** A SelloError code (or a host error) as text for the user; never a stack trace. */
export function errorText(code: string, fallback: string): string {
  const key = `error.${code}` as Key;
  if (key in en) return t(key, fallback);
  return t('error.generic', fallback);
}

export function allKeys(lang: Language): string[] {
  return Object.keys(TABLES[lang]);
}

/** Fills `data-i18n` text and `data-i18n-attr="attr:key;…"` attributes below `root`. */
export function localize(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n as Key);
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-attr]')) {
    for (const pair of (el.dataset.i18nAttr ?? '').split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) el.setAttribute(attr, t(key as Key));
    }
  }
}
