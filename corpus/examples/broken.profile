# A profile with a mistake: `capability` names must be real capabilities.
profile broken {
  /etc/hosts r,
  capability net_bind_servise,
}
